// The metric an early-stopping rule compares: per window ΔNE % (serving NE over dense NE, minus 1, in %) or serving
// NE, as a running mean over the run's evaluation windows so far. Warm-up windows (no pruned model serves yet) and
// windows left out of the headline figures (one class, too few rows) do not count, as in the run's summary.
import { deltaPct } from '@driftprune/stats';

export type StopMetric = 'deltaNe' | 'ne';

/** One model's figures on one window, as stored (WindowMetric rows). */
export interface WindowNe {
  window: number;
  model: 'dense' | 'serving';
  ne: number | null;
  warmup: boolean;
  excluded: string | null;
}

/** The per-window value of `metric` for windows ≤ upTo that count; a map window → value. */
export function windowValues(rows: readonly WindowNe[], metric: StopMetric, upTo = Infinity): Map<number, number> {
  const dense = new Map<number, number>();
  const serving = new Map<number, number>();
  for (const r of rows) {
    if (r.window > upTo || r.warmup || r.excluded || r.ne === null || !Number.isFinite(r.ne)) continue;
    (r.model === 'dense' ? dense : serving).set(r.window, r.ne);
  }
  const out = new Map<number, number>();
  for (const [w, ne] of serving) {
    if (metric === 'ne') out.set(w, ne);
    else {
      const d = dense.get(w);
      if (d !== undefined && d > 0) out.set(w, deltaPct(ne, d));
    }
  }
  return out;
}

/** Running mean of `metric` over the counted windows ≤ upTo; null when none counts yet. */
export function runningMetric(rows: readonly WindowNe[], metric: StopMetric, upTo: number): number | null {
  const v = [...windowValues(rows, metric, upTo).values()];
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

export function describeMetric(metric: StopMetric, value: number): string {
  return metric === 'deltaNe' ? `ΔNE ${value.toFixed(3)} %` : `NE ${value.toFixed(4)}`;
}
