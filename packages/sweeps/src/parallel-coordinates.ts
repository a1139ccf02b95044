// The data of a parallel-coordinates plot over a sweep: one axis per swept parameter and per figure, one line per
// run. Numeric axes carry their range (and whether the sweep drew them on a log scale), categorical ones their values
// in the sweep's order, so the dashboard draws without a second pass over the runs.
import type { SweepParameter } from '@driftprune/config';

export interface ParallelDimension {
  key: string;
  /** param: a swept parameter; metric: a figure of the run. */
  role: 'param' | 'metric';
  kind: 'numeric' | 'categorical';
  min: number | null;
  max: number | null;
  log: boolean;
  /** Categorical axes: the values in order (as text). */
  categories: string[] | null;
}

export interface ParallelRow {
  runId: string;
  /** One value per dimension (numbers, strings, or null where a conditional parameter or figure is absent). */
  values: (number | string | null)[];
}

export interface ParallelInput {
  runId: string;
  params: Record<string, unknown>;
  metrics: Record<string, number | null>;
}

export function parallelCoordinates(parameters: Record<string, SweepParameter>, metricKeys: readonly string[], runs: readonly ParallelInput[]): { dimensions: ParallelDimension[]; rows: ParallelRow[] } {
  const dims: ParallelDimension[] = [];
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  for (const [key, p] of Object.entries(parameters)) {
    const seen = runs.map((r) => r.params[key]).filter((v) => v !== undefined);
    const numeric = 'min' in p || (p.values.every((v) => typeof v === 'number') && p.values.length > 1);
    if (numeric) {
      const nums = seen.filter((v): v is number => typeof v === 'number');
      const lo = 'min' in p ? p.min : Math.min(...(p.values as number[]));
      const hi = 'min' in p ? p.max : Math.max(...(p.values as number[]));
      dims.push({ key, role: 'param', kind: 'numeric', min: nums.length ? Math.min(lo, ...nums) : lo, max: nums.length ? Math.max(hi, ...nums) : hi, log: 'min' in p && p.log, categories: null });
    } else dims.push({ key, role: 'param', kind: 'categorical', min: null, max: null, log: false, categories: p.values.map(text) });
  }
  for (const key of metricKeys) {
    let min = Infinity;
    let max = -Infinity;
    for (const r of runs) {
      const v = r.metrics[key];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    dims.push({ key, role: 'metric', kind: 'numeric', min: Number.isFinite(min) ? min : null, max: Number.isFinite(max) ? max : null, log: false, categories: null });
  }
  const rows = runs.map((r) => ({
    runId: r.runId,
    values: dims.map((d) => {
      const v = d.role === 'param' ? r.params[d.key] : r.metrics[d.key];
      if (v === undefined || v === null) return null;
      if (d.kind === 'categorical') return text(v);
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    }),
  }));
  return { dimensions: dims, rows };
}
