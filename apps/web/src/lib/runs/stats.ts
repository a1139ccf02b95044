// Summary statistics over runs: seeds of one configuration are averaged, and the spread is the sample std.

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1); 0 when n < 2, where it is undefined, so `n` must be shown with it. */
  std: number;
  n: number;
}

/** Mean and sample std of the finite values in `xs` (NaN, ±Infinity, null and undefined are skipped). */
export function meanStd(xs: readonly (number | null | undefined)[]): MeanStd {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: 0, n };
  const ss = v.reduce((a, b) => a + (b - mean) * (b - mean), 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

/** "1.234 ± 0.056 (n=3)"; a single value shows as "1.234 (n=1)", no values as "—". */
export function formatMeanStd(m: MeanStd, digits = 3): string {
  if (m.n === 0) return '—';
  if (m.n === 1) return `${formatNumber(m.mean, digits)} (n=1)`;
  return `${formatNumber(m.mean, digits)} ± ${formatNumber(m.std, digits)} (n=${m.n})`;
}

/** A compact number: fixed digits for ordinary magnitudes, exponent form for very large or small ones. */
export function formatNumber(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(Math.max(0, digits - 1));
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}
