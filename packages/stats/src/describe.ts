// Descriptive statistics of a sample.
import { checkSample } from './errors.js';

export function mean(xs: ArrayLike<number>): number {
  checkSample(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Sample variance (n − 1 in the denominator); 0 for one value. */
export function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  if (xs.length < 2) return 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return s / (xs.length - 1);
}

export function std(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs));
}

/**
 * The p-quantile of a sample by linear interpolation between order statistics (Hyndman & Fan type 7: R's default,
 * numpy's `linear`), so that bootstrap intervals match scipy's. `sorted` must be in ascending order.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  checkSample(sorted);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile level ${p} is outside [0, 1]`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function quantile(xs: ArrayLike<number>, p: number): number {
  return quantileSorted(Float64Array.from(xs).sort(), p);
}

export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}
