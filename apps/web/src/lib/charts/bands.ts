// Seeds of one configuration drawn as one band: the mean per window with ± one sample std around it.
import { meanStd } from '../runs/stats.js';
import type { Point } from './series.js';

export interface Band {
  mean: Point[];
  lo: Point[];
  hi: Point[];
  /** Runs with a value at each x, in x order (a window some seeds have not reached yet has fewer). */
  n: number[];
}

/** Mean ± sample std across the series at every x any of them has; x values are matched exactly (window indices). */
export function bandOf(series: readonly (readonly Point[])[]): Band {
  const byX = new Map<number, number[]>();
  for (const s of series)
    for (const p of s) {
      if (p.y === null || !Number.isFinite(p.y)) continue;
      const list = byX.get(p.x) ?? [];
      list.push(p.y);
      byX.set(p.x, list);
    }
  const out: Band = { mean: [], lo: [], hi: [], n: [] };
  for (const x of [...byX.keys()].sort((a, b) => a - b)) {
    const m = meanStd(byX.get(x)!);
    out.mean.push({ x, y: m.mean });
    out.lo.push({ x, y: m.n > 1 ? m.mean - m.std : null });
    out.hi.push({ x, y: m.n > 1 ? m.mean + m.std : null });
    out.n.push(m.n);
  }
  return out;
}

/** Groups ids by a key (the run's parameters without its seed); groups keep first-seen order. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): { key: string; items: T[] }[] {
  const map = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = map.get(k) ?? [];
    list.push(t);
    map.set(k, list);
  }
  return [...map.entries()].map(([k, v]) => ({ key: k, items: v }));
}
