// Pointwise bands: at each index (a window), the mean over replicates and a bootstrap CI of it.
import { bootstrapCI, type BootstrapOptions } from './bootstrap.js';

export interface BandPoint {
  index: number;
  n: number;
  mean: number;
  lo: number | null;
  hi: number | null;
}

/** One band point per index (ascending); each index's CI is seeded with seed + index, so points do not share draws. */
export function pointwiseBands(byIndex: ReadonlyMap<number, readonly number[]>, o: BootstrapOptions): BandPoint[] {
  return [...byIndex.entries()]
    .filter(([, xs]) => xs.length > 0)
    .sort(([a], [b]) => a - b)
    .map(([index, xs]) => {
      const ci = bootstrapCI(xs, { ...o, seed: o.seed + index });
      return { index, n: xs.length, mean: ci.estimate, lo: ci.lo, hi: ci.hi };
    });
}
