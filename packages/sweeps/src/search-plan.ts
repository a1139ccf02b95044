// What a model-based sweep (method tpe) does next: given its runs so far, how many new points to start and which.
// Points (runs sharing swept values, one per seed) run `initialSamples` at a time until `samples` points exist; each
// new point is proposed by TPE from the completed points' objective (mean over the point's succeeded seeds). A point
// its early-stopping rule stopped counts as worse than every completed one (it was stopped for being bad); a failed
// or cancelled point teaches nothing and is left out. Pure: the caller reads the runs and writes the new ones.
import type { SweepConfig } from '@driftprune/config';
import { pointKey } from './points.js';
import { proposeTpe, type TpeObservation } from './tpe.js';

export interface SearchRun {
  params: Record<string, unknown>;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'stopped';
  summary: unknown;
}

export interface SearchPlan {
  /** Points that exist (every seed's run created). */
  points: number;
  /** Points with a run still queued or running. */
  inFlight: number;
  /** The history TPE saw. */
  observations: TpeObservation[];
  /** New points to start now (assignments without the seed). */
  proposals: Record<string, unknown>[];
}

const LIVE = new Set(['queued', 'running']);

/** The objective of a run's summary (lower is better after the direction); null when it has none. */
function objectiveOf(summary: unknown, metric: string, direction: 'minimize' | 'maximize'): number | null {
  const v = summary && typeof summary === 'object' ? (summary as Record<string, unknown>)[metric] : undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  return direction === 'maximize' ? -v : v;
}

export function planSearch(sweep: SweepConfig, runs: readonly SearchRun[]): SearchPlan {
  const byPoint = new Map<string, { params: Record<string, unknown>; runs: SearchRun[] }>();
  for (const r of runs) {
    const key = pointKey(r.params);
    const p = byPoint.get(key) ?? { params: Object.fromEntries(Object.entries(r.params).filter(([k]) => k !== 'seed')), runs: [] };
    p.runs.push(r);
    byPoint.set(key, p);
  }
  const points = [...byPoint.values()];
  const inFlight = points.filter((p) => p.runs.some((r) => LIVE.has(r.status))).length;
  const observations: TpeObservation[] = [];
  const stoppedPoints: Record<string, unknown>[] = [];
  for (const p of points) {
    if (p.runs.some((r) => LIVE.has(r.status))) continue;
    const ys = p.runs.filter((r) => r.status === 'succeeded').map((r) => objectiveOf(r.summary, sweep.objective.metric, sweep.objective.direction)).filter((y): y is number => y !== null);
    if (ys.length) observations.push({ assignment: p.params, y: ys.reduce((s, y) => s + y, 0) / ys.length });
    else if (p.runs.some((r) => r.status === 'stopped')) stoppedPoints.push(p.params);
  }
  // stopped points: worse than the worst completed one
  const worst = observations.length ? Math.max(...observations.map((o) => o.y)) : 0;
  for (const a of stoppedPoints) observations.push({ assignment: a, y: worst + Math.abs(worst) * 0.01 + 1e-9 });
  const proposals: Record<string, unknown>[] = [];
  if (sweep.method === 'tpe') {
    let n = points.length;
    let live = inFlight;
    while (n < sweep.samples && live < sweep.initialSamples) {
      // the point's index in the seed: two proposals from the same history differ
      proposals.push(proposeTpe(sweep.parameters, observations, { seed: sweep.searchSeed * 1_000_003 + n }));
      n++;
      live++;
    }
  }
  return { points: points.length, inFlight, observations, proposals };
}
