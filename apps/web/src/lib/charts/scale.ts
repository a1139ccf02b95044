// Linear and log scales with "nice" ticks for the SVG and canvas charts of the sweep page.

export interface Scale {
  (v: number): number;
  ticks: number[];
  domain: [number, number];
}

/** Ticks at 1, 2 or 5 × 10^k covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return out;
}

/** Maps [d0, d1] onto [r0, r1]; a degenerate domain is widened so that one value sits in the middle. */
export function linearScale(d0: number, d1: number, r0: number, r1: number, pad = 0.05): Scale {
  let lo = Math.min(d0, d1);
  let hi = Math.max(d0, d1);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = [lo - (Math.abs(lo) || 1) * 0.5, hi + (Math.abs(hi) || 1) * 0.5];
  const span = hi - lo;
  lo -= span * pad;
  hi += span * pad;
  const f = ((v: number) => r0 + ((v - lo) / (hi - lo)) * (r1 - r0)) as Scale;
  f.ticks = niceTicks(lo, hi);
  f.domain = [lo, hi];
  return f;
}

/** Log10 scale for positive data (FLOPs); ticks at powers of ten. */
export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const lo = Math.log10(Math.max(Math.min(d0, d1), 1e-300));
  const hi = Math.log10(Math.max(d0, d1, 1e-300));
  const inner = linearScale(lo, hi, r0, r1);
  const f = ((v: number) => inner(Math.log10(Math.max(v, 1e-300)))) as Scale;
  const [a, b] = inner.domain;
  f.ticks = [];
  for (let k = Math.ceil(a); k <= Math.floor(b); k++) f.ticks.push(10 ** k);
  if (f.ticks.length < 2) f.ticks = niceTicks(10 ** a, 10 ** b, 3).filter((t) => t > 0);
  f.domain = [10 ** a, 10 ** b];
  return f;
}
