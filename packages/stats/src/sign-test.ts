// The exact two-sided sign test: under H0 a non-zero difference is as likely positive as negative.
import { checkSample } from './errors.js';

export interface SignTest {
  /** Differences above +tolerance, below −tolerance, and within it (ties, left out of the test). */
  positive: number;
  negative: number;
  ties: number;
  /** Exact two-sided p-value, min(1, 2·P(X ≤ min(positive, negative))) for X ~ Binomial(positive + negative, ½); 1 when all tie. */
  pTwoSided: number;
}

/** P(X ≤ k) for X ~ Binomial(n, ½), summed in log space (no overflow for large n). */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let logC = 0;
  let s = 0;
  const logHalfN = n * Math.LN2;
  for (let i = 0; i <= k; i++) {
    s += Math.exp(logC - logHalfN);
    logC += Math.log(n - i) - Math.log(i + 1);
  }
  return Math.min(1, s);
}

export function signTest(diffs: ArrayLike<number>, tolerance = 0): SignTest {
  checkSample(diffs, 'differences');
  let positive = 0;
  let negative = 0;
  for (let i = 0; i < diffs.length; i++) {
    if (diffs[i] > tolerance) positive++;
    else if (diffs[i] < -tolerance) negative++;
  }
  const n = positive + negative;
  const pTwoSided = n === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(Math.min(positive, negative), n));
  return { positive, negative, ties: diffs.length - n, pTwoSided };
}
