// What a sweep's runs say together: Pareto front of accuracy gap against serving cost, the best point under a
// budget, parameter importance, parallel coordinates and the search's progress. The numbers are read in a few
// set-based queries (packages/db sweep-analysis.ts) and computed by @driftprune/sweeps.
import { parseConfig, pointLabel, sweepConfig, type SweepConfig } from '@driftprune/config';
import { lastServingLatencies, meanServingFlops, paramsOfSweepRuns, sweepRunsForAnalysis, type AnalysisRun, type Db, type Sweep } from '@driftprune/db';
import { bestUnderBudget, groupPoints, parallelCoordinates, parameterImportance, paretoFront, pointKey } from '@driftprune/sweeps';
import { badInput } from '../errors.js';
import type { ServingCost, SweepMetric } from '../resolvers-types.js';

/** A figure of a run's summary (stored JSON: anything not a finite number is null). */
export function summaryNumber(summary: unknown, key: string): number | null {
  const v = summary && typeof summary === 'object' ? (summary as Record<string, unknown>)[key] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export const METRIC_KEYS: Record<SweepMetric, string> = {
  MEAN_DELTA_NE_PCT: 'meanDeltaNEPct',
  MAX_DELTA_NE_PCT: 'maxDeltaNEPct',
  MEAN_NE_SERVING: 'meanNEServing',
  MEAN_SERVING_FLOPS_RATIO: 'meanServingFlopsRatio',
  SERVING_SPEEDUP: 'servingSpeedup',
  WALL_SEC: 'wallSec',
};

/** The summary figures shown beside the swept values (runs table, parallel coordinates, export). */
export const FIGURES = ['meanDeltaNEPct', 'maxDeltaNEPct', 'meanNEDense', 'meanNEServing', 'servingFlopsRatio', 'meanServingFlopsRatio', 'servingSpeedup', 'refreshes', 'wallSec'] as const;

/** The stored sweep config, parsed (defaults filled in); null for a config the current schema no longer reads. */
export function parsedSweepConfig(sweep: Pick<Sweep, 'config'>): SweepConfig | null {
  try {
    return parseConfig(sweepConfig, sweep.config, 'sweep');
  } catch {
    return null;
  }
}

function paramsOf(r: Pick<AnalysisRun, 'params'>): Record<string, unknown> {
  return r.params && typeof r.params === 'object' && !Array.isArray(r.params) ? (r.params as Record<string, unknown>) : {};
}

const MAX_BATCH = 1_000_000;

export interface ParetoArgs {
  cost: ServingCost;
  batchSize?: number | null;
  groupSeeds?: boolean | null;
}

export interface ParetoPointOut {
  key: string;
  params: Record<string, unknown>;
  label: string;
  runIds: string[];
  n: number;
  gapPct: number;
  gapStd: number | null;
  cost: number;
  costStd: number | null;
  onFront: boolean;
}

/** The succeeded runs' gap and cost, grouped by point (or not), with the front marked. */
export async function paretoPoints(db: Db, sweep: Sweep, args: ParetoArgs) {
  if (args.batchSize != null && (!Number.isInteger(args.batchSize) || args.batchSize < 1 || args.batchSize > MAX_BATCH))
    throw badInput(`batchSize must be an integer in 1..${MAX_BATCH} (got ${args.batchSize})`, undefined, { reason: 'BAD_BATCH_SIZE' });
  const runs = (await sweepRunsForAnalysis(db, sweep.id)).filter((r) => r.status === 'succeeded');
  const ids = runs.map((r) => r.id);
  let batchSize: number | null = null;
  const cost = new Map<string, number>();
  if (args.cost === 'P50_MS' || args.cost === 'P99_MS') {
    const lat = await lastServingLatencies(db, ids);
    if (args.batchSize != null) batchSize = args.batchSize;
    else {
      // the batch size most runs measured (ties: the largest)
      const runsPer = new Map<number, number>();
      for (const l of lat) runsPer.set(l.batchSize, (runsPer.get(l.batchSize) ?? 0) + 1);
      batchSize = [...runsPer].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? null;
    }
    for (const l of lat) if (l.batchSize === batchSize) cost.set(l.runId, args.cost === 'P50_MS' ? l.p50Ms : l.p99Ms);
  } else if (args.cost === 'FLOPS') {
    for (const [id, f] of await meanServingFlops(db, ids)) cost.set(id, f);
  } else
    for (const r of runs) {
      const v = summaryNumber(r.summary, 'meanServingFlopsRatio') ?? summaryNumber(r.summary, 'servingFlopsRatio');
      if (v !== null) cost.set(r.id, v);
    }
  const figures = runs.map((r) => ({ runId: r.id, params: paramsOf(r), values: { gap: summaryNumber(r.summary, 'meanDeltaNEPct'), cost: cost.get(r.id) ?? null } }));
  const usable = figures.filter((f) => f.values.gap !== null && f.values.cost !== null);
  let points: ParetoPointOut[];
  if (args.groupSeeds ?? true) {
    points = groupPoints(usable, ['gap', 'cost']).map((p) => ({
      key: p.key,
      params: p.params,
      label: Object.keys(p.params).length ? pointLabel(p.params) : 'base',
      runIds: p.runIds,
      n: p.runIds.length,
      gapPct: p.values.gap!.mean,
      gapStd: p.values.gap!.std,
      cost: p.values.cost!.mean,
      costStd: p.values.cost!.std,
      onFront: false,
    }));
  } else {
    const byId = new Map(runs.map((r) => [r.id, r]));
    points = usable.map((f) => ({
      key: f.runId,
      params: f.params,
      label: byId.get(f.runId)!.name ?? (Object.keys(f.params).length ? pointLabel(f.params) : `s${byId.get(f.runId)!.seed}`),
      runIds: [f.runId],
      n: 1,
      gapPct: f.values.gap!,
      gapStd: null,
      cost: f.values.cost!,
      costStd: null,
      onFront: false,
    }));
  }
  const candidates = points.map((p) => ({ ...p, id: p.key, gap: p.gapPct }));
  const front = paretoFront(candidates);
  const onFront = new Set(front.map((f) => f.key));
  for (const p of points) p.onFront = onFront.has(p.key);
  points.sort((a, b) => a.cost - b.cost || a.gapPct - b.gapPct);
  return {
    batchSize: args.cost === 'P50_MS' || args.cost === 'P99_MS' ? batchSize : null,
    points,
    front: points.filter((p) => p.onFront),
    excludedRuns: runs.length - usable.length,
    best: (budget: number) => {
      const b = bestUnderBudget(candidates, budget);
      return b ? points.find((p) => p.key === b.key)! : null;
    },
  };
}

export async function paretoFrontOf(db: Db, sweep: Sweep, args: ParetoArgs) {
  const r = await paretoPoints(db, sweep, args);
  return { sweepId: sweep.id, cost: args.cost, batchSize: r.batchSize, points: r.points, front: r.front, excludedRuns: r.excludedRuns };
}

export async function bestUnderBudgetOf(db: Db, sweep: Sweep, args: ParetoArgs & { budget: number }) {
  if (!Number.isFinite(args.budget)) throw badInput('budget must be a finite number', undefined, { reason: 'BAD_BUDGET' });
  return (await paretoPoints(db, sweep, args)).best(args.budget);
}

export async function importanceOf(db: Db, sweep: Sweep, metric: SweepMetric) {
  const key = METRIC_KEYS[metric];
  const runs = (await sweepRunsForAnalysis(db, sweep.id)).filter((r) => r.status === 'succeeded');
  const data = runs.map((r) => ({ params: paramsOf(r), y: summaryNumber(r.summary, key) })).filter((d): d is { params: Record<string, unknown>; y: number } => d.y !== null);
  const parsed = parsedSweepConfig(sweep);
  const paths = parsed ? Object.keys(parsed.parameters) : [...new Set(data.flatMap((d) => Object.keys(d.params)))].filter((k) => k !== 'seed');
  // the seed is a parameter too: how much of the spread is seed noise
  const withSeed = [...paths, 'seed'];
  return { metric, runs: data.length, parameters: parameterImportance(data, withSeed) };
}

export async function parallelCoordinatesOf(db: Db, sweep: Sweep) {
  const runs = await sweepRunsForAnalysis(db, sweep.id);
  const parameters = parsedSweepConfig(sweep)?.parameters ?? {};
  const { dimensions, rows } = parallelCoordinates(
    parameters,
    [...FIGURES],
    runs.map((r) => ({ runId: r.id, params: paramsOf(r), metrics: Object.fromEntries(FIGURES.map((f) => [f, summaryNumber(r.summary, f)])) })),
  );
  const byId = new Map(runs.map((r) => [r.id, r]));
  return {
    dimensions,
    rows: rows.map((row) => {
      const r = byId.get(row.runId)!;
      return { ...row, status: r.status, name: r.name ?? (Object.keys(paramsOf(r)).some((k) => k !== 'seed') ? pointLabel(paramsOf(r)) : `s${r.seed}`) };
    }),
  };
}

export async function searchOf(db: Db, sweep: Sweep) {
  const parsed = parsedSweepConfig(sweep);
  if (!parsed || parsed.method !== 'tpe') return null;
  const runs = (await paramsOfSweepRuns(db, sweep.id)).map((params) => ({ params }));
  const points = new Set(runs.map((r) => pointKey(paramsOf(r)))).size;
  return { method: parsed.method, points, samples: parsed.samples, initialSamples: parsed.initialSamples, objective: parsed.objective };
}
