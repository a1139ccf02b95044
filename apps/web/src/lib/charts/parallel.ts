// Parallel coordinates: each run's value on each axis as a 0..1 position (numbers linear or log between the axis'
// bounds, categories evenly spaced), computed once so that drawing 1,000 runs is one canvas pass.

export interface PcDimension {
  key: string;
  role: string;
  kind: string;
  min?: number | null;
  max?: number | null;
  log: boolean;
  categories?: readonly string[] | null;
}

/** Position of a value on its axis, 0 (bottom) .. 1 (top); null when the run has none there. */
export function axisPosition(d: PcDimension, v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (d.kind === 'categorical') {
    const cats = d.categories ?? [];
    const i = cats.indexOf(String(v));
    if (i < 0) return null;
    return cats.length === 1 ? 0.5 : i / (cats.length - 1);
  }
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return null;
  let lo = d.min ?? n;
  let hi = d.max ?? n;
  let t = n;
  if (d.log && lo > 0 && hi > 0 && n > 0) [lo, hi, t] = [Math.log10(lo), Math.log10(hi), Math.log10(n)];
  if (hi === lo) return 0.5;
  return Math.min(1, Math.max(0, (t - lo) / (hi - lo)));
}

/** Every row's positions, one per dimension. */
export function pcPositions(dims: readonly PcDimension[], rows: readonly { values: readonly unknown[] }[]): (number | null)[][] {
  return rows.map((r) => dims.map((d, i) => axisPosition(d, r.values[i])));
}

/** A blue (0) → orange (1) ramp, readable on white and by most colour-blind readers. */
export function rampColor(t: number, alpha = 0.55): string {
  const c0 = [0, 114, 178];
  const c1 = [213, 94, 0];
  const k = Math.min(1, Math.max(0, t));
  const [r, g, b] = c0.map((v, i) => Math.round(v + (c1[i] - v) * k));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
