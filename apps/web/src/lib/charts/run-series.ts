// The run page's series, derived from the API's objects: NE per window for each model, ΔNE%, refresh markers, and
// serving latency/throughput per model and batch size.
import { deltaNePct, type Point } from './series.js';

export interface MetricPointLike {
  window: number;
  windowEnd: number;
  model: string;
  ne: number | null;
  warmup: boolean;
}

/** x of a (possibly downsampled) point: the middle of the windows it averages. */
export function pointX(p: { window: number; windowEnd: number }): number {
  return p.windowEnd > p.window ? (p.window + p.windowEnd) / 2 : p.window;
}

export function neSeries(points: readonly MetricPointLike[]): { dense: Point[]; serving: Point[]; delta: Point[] } {
  const by = (m: string) =>
    points
      .filter((p) => p.model === m)
      .map((p) => ({ x: pointX(p), y: p.ne }))
      .sort((a, b) => a.x - b.x);
  const dense = by('dense');
  const serving = by('serving');
  return { dense, serving, delta: deltaNePct(dense, serving) };
}

/** Merges newly streamed window metrics into a list, replacing a replayed (window, model) rather than duplicating it. */
export function mergeMetricPoints<T extends { window: number; windowEnd: number; model: string }>(existing: readonly T[], added: readonly T[]): T[] {
  const key = (p: T) => `${p.model}:${p.window}:${p.windowEnd}`;
  const map = new Map(existing.map((p) => [key(p), p]));
  for (const p of added) map.set(key(p), p);
  return [...map.values()].sort((a, b) => a.window - b.window || a.model.localeCompare(b.model));
}

export interface ServingEvalLike {
  window: number;
  model: string;
  batchSize: number;
  p50Ms: number;
  p99Ms: number;
  samplesPerSec: number;
}

export function servingBatchSizes(evals: readonly ServingEvalLike[]): number[] {
  return [...new Set(evals.map((e) => e.batchSize))].sort((a, b) => a - b);
}

/** Per model, one series over windows of the given measure, at one batch size. */
export function servingSeries(evals: readonly ServingEvalLike[], batchSize: number, measure: 'p50Ms' | 'p99Ms' | 'samplesPerSec'): Record<string, Point[]> {
  const out: Record<string, Point[]> = {};
  for (const e of evals) {
    if (e.batchSize !== batchSize) continue;
    (out[e.model] ??= []).push({ x: e.window, y: e[measure] });
  }
  for (const k of Object.keys(out)) out[k].sort((a, b) => a.x - b.x);
  return out;
}

/** The last evaluation window's numbers, one row per batch size, dense next to serving, with the speed-up. */
export function latestServingTable(evals: readonly ServingEvalLike[]) {
  if (evals.length === 0) return { window: null as number | null, rows: [] };
  const window = Math.max(...evals.map((e) => e.window));
  const at = evals.filter((e) => e.window === window);
  const rows = servingBatchSizes(at).map((b) => {
    const dense = at.find((e) => e.batchSize === b && e.model === 'dense') ?? null;
    const serving = at.find((e) => e.batchSize === b && e.model === 'serving') ?? null;
    return { batchSize: b, dense, serving, speedup: dense && serving && serving.p50Ms > 0 ? dense.p50Ms / serving.p50Ms : null };
  });
  return { window, rows };
}

/**
 * The dense width of every prunable layer, named as the pruning package names them (`bottom.i`, `top.i`: the hidden
 * layers of each MLP), so the heatmap shows kept widths as a share of the dense model. Structured pruning only: an
 * unstructured refresh reports kept weights, which have no such simple full size here.
 */
export function denseLayerWidths(config: unknown): Record<string, number> {
  const c = (config ?? {}) as { model?: { bottomMlp?: number[]; topMlp?: number[] }; pruning?: { granularity?: string } };
  if (c.pruning?.granularity === 'unstructured') return {};
  const out: Record<string, number> = {};
  (c.model?.bottomMlp ?? []).forEach((w, i) => (out[`bottom.${i}`] = w));
  (c.model?.topMlp ?? []).forEach((w, i) => (out[`top.${i}`] = w));
  return out;
}
