// Turning metric points into what the charts draw: uPlot wants one shared, sorted x array and one y array per series
// (null where a series has no point), and the run page derives ΔNE% and a width heatmap from the raw events.

export interface Point {
  x: number;
  y: number | null;
}

/** uPlot's aligned data: [xs, ys1, ys2, …], every array the same length. */
export type Aligned = [number[], ...(number | null)[][]];

/** Aligns several series on the union of their x values (sorted); a missing point is null, so uPlot leaves a gap. */
export function alignSeries(series: readonly (readonly Point[])[]): Aligned {
  const xs = [...new Set(series.flatMap((s) => s.map((p) => p.x)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const y: (number | null)[] = new Array(xs.length).fill(null);
    for (const p of s) {
      const v = p.y;
      y[index.get(p.x)!] = v === null || !Number.isFinite(v) ? null : v;
    }
    return y;
  });
  return [xs, ...ys];
}

/** ΔNE% per window, 100·(NE_serving / NE_dense − 1), for the windows where both models were evaluated. */
export function deltaNePct(dense: readonly Point[], serving: readonly Point[]): Point[] {
  const d = new Map(dense.map((p) => [p.x, p.y]));
  const out: Point[] = [];
  for (const s of serving) {
    const base = d.get(s.x);
    if (base === undefined || base === null || s.y === null || base === 0) continue;
    out.push({ x: s.x, y: 100 * (s.y / base - 1) });
  }
  return out.sort((a, b) => a.x - b.x);
}

export interface WidthSnapshot {
  window: number;
  widths: Record<string, number>;
}

export interface Heatmap {
  /** Layer names: the dense model's order when known, else the order they first appear. */
  layers: string[];
  /** Column labels: the window of each refresh. */
  windows: number[];
  /** values[layer][refresh]: the kept width, or null when that refresh did not report the layer. */
  values: (number | null)[][];
  /** Per layer, the width that counts as 100 %: the dense width when known, else the largest width seen. */
  full: number[];
}

/** Builds the per-layer width heatmap from refresh events (columns in window order). */
export function widthHeatmap(refreshes: readonly WidthSnapshot[], denseWidths: Record<string, number> = {}): Heatmap {
  const ordered = [...refreshes].sort((a, b) => a.window - b.window);
  // Dense layers first in model order (bottom MLP, then top), then any other layer in order of appearance.
  const seen = new Set(ordered.flatMap((r) => Object.keys(r.widths)));
  const layers = Object.keys(denseWidths).filter((l) => seen.has(l));
  for (const r of ordered) for (const k of Object.keys(r.widths)) if (!layers.includes(k)) layers.push(k);
  const values = layers.map((l) => ordered.map((r) => (l in r.widths ? r.widths[l] : null)));
  const full = layers.map((l, i) => denseWidths[l] ?? Math.max(0, ...values[i].filter((v): v is number => v !== null)));
  return { layers, windows: ordered.map((r) => r.window), values, full };
}

/** A colour for a fraction in [0, 1] on a light-to-dark blue ramp that stays readable with dark or light text. */
export function heatColor(fraction: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const lightness = 95 - f * 60;
  return `hsl(212 70% ${lightness.toFixed(1)}%)`;
}

/** Picks text colour for a heat cell so that contrast stays high. */
export function heatTextColor(fraction: number): string {
  return fraction > 0.55 ? '#fff' : '#0b1f33';
}

/**
 * Min/max decimation for drawing: keeps, per bucket of x, the first, minimum, maximum and last points, so spikes
 * survive. The API already downsamples on the server; this guards the browser against an unexpectedly long series.
 */
export function decimate(points: readonly Point[], maxPoints: number): Point[] {
  if (points.length <= maxPoints || maxPoints < 4) return [...points];
  const buckets = Math.floor(maxPoints / 4);
  const size = points.length / buckets;
  const out: Point[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(points.length, Math.floor((b + 1) * size));
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    for (let i = start; i < end; i++) {
      const y = points[i].y ?? Number.NaN;
      if (y < (points[lo].y ?? Infinity)) lo = i;
      if (y > (points[hi].y ?? -Infinity)) hi = i;
    }
    for (const i of [...new Set([start, lo, hi, end - 1])].sort((a, c) => a - c)) out.push(points[i]);
  }
  return out;
}

/**
 * A y axis that one outlier does not set: when the largest value is more than `factor` × the 90th percentile of the
 * values, the axis ends at 1.5 × that percentile and the points above are counted (the chart says how many). Null
 * when no clipping is needed.
 */
export function robustYMax(values: readonly (number | null | undefined)[], factor = 3): { max: number; above: number } | null {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length < 5) return null;
  const q90 = v[Math.min(v.length - 1, Math.floor(0.9 * (v.length - 1)))];
  const top = v[v.length - 1];
  if (q90 <= 0 || top <= factor * q90) return null;
  const max = 1.5 * q90;
  return { max, above: v.filter((x) => x > max).length };
}

/** The median of the finite values; null when there is none. */
export function median(values: readonly (number | null | undefined)[]): number | null {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}
