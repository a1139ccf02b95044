// The standard normal distribution: Φ and Φ⁻¹, to about 1e-15 absolute, without dependencies.

const LOG_SQRT_2PI = 0.9189385332046728;

/**
 * Φ(x) by Marsaglia's series (J. Stat. Software 11(4), 2004): Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …), summed
 * until the terms no longer change the sum; absolute error about 1e-15. Beyond |x| = 38 the answer is 0 or 1 in
 * doubles.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -38) return 0;
  if (x > 38) return 1;
  if (x < -3) return lowerTail(-x);
  if (x > 3) return 1 - lowerTail(x);
  let s = x;
  let t = 0;
  let b = x;
  const q = x * x;
  for (let i = 1; s !== t; ) {
    t = s;
    i += 2;
    b *= q / i;
    s = t + b;
  }
  return Math.min(1, Math.max(0, 0.5 + s * Math.exp(-0.5 * q - LOG_SQRT_2PI)));
}

/**
 * Φ(−t) for t > 3 by the continued fraction of the Mills ratio, Φ(−t) = φ(t) / (t + 1/(t + 2/(t + 3/(t + …)))),
 * evaluated backwards: keeps its relative accuracy far in the tail, where the series above keeps only absolute.
 */
function lowerTail(t: number): number {
  let f = t;
  for (let k = 120; k >= 1; k--) f = t + k / f;
  return Math.exp(-0.5 * t * t - LOG_SQRT_2PI) / f;
}

// Acklam's rational approximation of Φ⁻¹ (relative error 1.15e-9), refined below by one Halley step.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Φ⁻¹(p) for p in (0, 1); −∞ at 0, +∞ at 1, NaN outside [0, 1]. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  // Halley's step on Φ(x) − p; in the far tails Φ's absolute accuracy no longer helps, so keep Acklam's value there.
  if (p > 1e-12 && p < 1 - 1e-12) {
    const e = normalCdf(x) - p;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    x = x - u / (1 + (x * u) / 2);
  }
  return x;
}
