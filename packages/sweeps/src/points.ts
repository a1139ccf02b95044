// A sweep point: the runs that share every swept value but the seed. Figures of a point are means over its seeds.
import { mean, std } from '@driftprune/stats';

export interface RunFigures {
  runId: string;
  /** The sweep point's parameters (dotted path → value), seed included or not. */
  params: Record<string, unknown>;
  /** The figures of this run (e.g. gap, cost); null where the run has none. */
  values: Record<string, number | null>;
}

export interface PointFigures {
  /** Canonical JSON of the parameters without the seed. */
  key: string;
  params: Record<string, unknown>;
  runIds: string[];
  /** Per figure: mean over the runs that have it, its sample std (null under two), and how many runs had it. */
  values: Record<string, { mean: number; std: number | null; n: number } | null>;
}

/** Canonical key of a point: its parameters without the seed, keys sorted. */
export function pointKey(params: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'seed').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** Groups runs into points (first-seen order). */
export function groupPoints(runs: readonly RunFigures[], figures: readonly string[]): PointFigures[] {
  const byKey = new Map<string, { params: Record<string, unknown>; runs: RunFigures[] }>();
  for (const r of runs) {
    const key = pointKey(r.params);
    const g = byKey.get(key) ?? { params: Object.fromEntries(Object.entries(r.params).filter(([k]) => k !== 'seed')), runs: [] };
    g.runs.push(r);
    byKey.set(key, g);
  }
  return [...byKey].map(([key, g]) => ({
    key,
    params: g.params,
    runIds: g.runs.map((r) => r.runId),
    values: Object.fromEntries(
      figures.map((f) => {
        const xs = g.runs.map((r) => r.values[f]).filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
        return [f, xs.length ? { mean: mean(xs), std: xs.length > 1 ? std(xs) : null, n: xs.length } : null];
      }),
    ),
  }));
}
