// Window-by-window comparison of two run folders written by `driftprune run` (metrics.jsonl, refreshes.jsonl,
// serving.jsonl): how far apart the CPU and the webgpu device ended, and whether that is within float32 noise.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RefreshEvent, ServingEval, WindowMetric } from '@driftprune/experiment';

/**
 * Agreement asked of two runs of the same config on different devices (justified in scripts/gpu/README.md):
 * - metrics: |Δ| / |x| ≤ `relMetric` for NE and log loss, |Δ| ≤ `absAuc` for AUC, per window and model;
 * - refreshes: the same windows and triggers, Jaccard and FLOPs ratio within `absRefresh`; structured layer widths
 *   identical; weight masks (`maskCounts`: the refresh's numbers are kept weights per layer) with the same total and
 *   each layer within `maskCountRel` of its count (at least one weight): weights whose scores tie to float32
 *   precision can change places across layers, and nothing else may; then Jaccard and FLOPs ratio may also move by
 *   what those weights move (each moved weight changes the intersection and the union by at most one:
 *   2 · moved / kept weights);
 * - serving export: the exported ONNX model agrees with its own engine to `servingParity` (each run on its own).
 */
export interface Tolerance {
  relMetric: number;
  maskCountRel: number;
  absAuc: number;
  absRefresh: number;
  servingParity: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { relMetric: 1e-4, maskCountRel: 1e-3, absAuc: 1e-4, absRefresh: 1e-6, servingParity: 1e-5 };

export interface RunFiles {
  metrics: WindowMetric[];
  refreshes: RefreshEvent[];
  serving: ServingEval[];
}

export function readRun(dir: string): RunFiles {
  const lines = <T>(name: string): T[] => {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch {
      return [];
    }
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
  };
  return { metrics: lines('metrics.jsonl'), refreshes: lines('refreshes.jsonl'), serving: lines('serving.jsonl') };
}

export interface Comparison {
  windows: number;
  /** Windows (and models) present in one run and not the other. */
  missing: string[];
  maxRelNE: number;
  maxRelLogLoss: number;
  maxAbsAuc: number;
  /** The first window whose NE differs by more than the tolerance (−1: none). */
  firstNEOff: number;
  refreshesA: number;
  refreshesB: number;
  /** Refreshes that differ in window, trigger or widths, as "window: what". */
  refreshDiffs: string[];
  maxRefreshDiff: number;
  /** The largest |p_onnx − p_engine| of either run's serving evaluations (NaN when neither evaluated). */
  maxServingParity: number;
  /** Every refresh's widths (or kept-weight counts) identical. */
  sameWidths: boolean;
  pass: boolean;
}

// NE and AUC are null on a one-class window: equal when both are, infinitely apart when only one is.
const rel = (a: number | null, b: number | null) => (a === b ? 0 : a === null || b === null ? Infinity : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12));
const abs = (a: number | null, b: number | null) => (a === b ? 0 : a === null || b === null ? Infinity : Math.abs(a - b));

/** Compares run `b` against run `a`; windows before `fromWindow` are skipped (e.g. those a resumed run replayed). */
export function compareRuns(a: RunFiles, b: RunFiles, tol: Tolerance = DEFAULT_TOLERANCE, fromWindow = 0, maskCounts = false): Comparison {
  const key = (m: WindowMetric) => `${m.window}/${m.model}`;
  const inA = new Map(a.metrics.filter((m) => m.window >= fromWindow).map((m) => [key(m), m]));
  const inB = new Map(b.metrics.filter((m) => m.window >= fromWindow).map((m) => [key(m), m]));
  const missing = [...inA.keys()].filter((k) => !inB.has(k)).map((k) => `only in A: ${k}`);
  missing.push(...[...inB.keys()].filter((k) => !inA.has(k)).map((k) => `only in B: ${k}`));
  let maxRelNE = 0;
  let maxRelLogLoss = 0;
  let maxAbsAuc = 0;
  let firstNEOff = -1;
  const windows = new Set<number>();
  for (const [k, x] of inA) {
    const y = inB.get(k);
    if (!y) continue;
    windows.add(x.window);
    const dNE = rel(x.ne, y.ne);
    maxRelNE = Math.max(maxRelNE, dNE);
    maxRelLogLoss = Math.max(maxRelLogLoss, rel(x.logLoss, y.logLoss));
    maxAbsAuc = Math.max(maxAbsAuc, abs(x.auc, y.auc));
    if (dNE > tol.relMetric && (firstNEOff < 0 || x.window < firstNEOff)) firstNEOff = x.window;
  }
  const ra = a.refreshes.filter((r) => r.window >= fromWindow);
  const rb = b.refreshes.filter((r) => r.window >= fromWindow);
  const refreshDiffs: string[] = [];
  let maxRefreshDiff = 0;
  let sameWidths = true;
  for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
    const x = ra[i];
    const y = rb[i];
    if (!x || !y) {
      refreshDiffs.push(`#${i}: only in ${x ? 'A' : 'B'} (window ${(x ?? y).window}, ${(x ?? y).trigger})`);
      sameWidths = false;
      continue;
    }
    if (x.window !== y.window || x.trigger !== y.trigger) refreshDiffs.push(`#${i}: window/trigger ${x.window} ${x.trigger} vs ${y.window} ${y.trigger}`);
    let allowance = 0;
    if (JSON.stringify(x.widths) !== JSON.stringify(y.widths)) {
      sameWidths = false;
      const layers = [...new Set([...Object.keys(x.widths), ...Object.keys(y.widths)])];
      const total = (w: Record<string, number>) => Object.values(w).reduce((s, v) => s + v, 0);
      const close = maskCounts && total(x.widths) === total(y.widths) && layers.every((l) => Math.abs((x.widths[l] ?? 0) - (y.widths[l] ?? 0)) <= Math.max(1, Math.ceil(tol.maskCountRel * (x.widths[l] ?? 0))));
      if (!close) refreshDiffs.push(`#${i} (window ${x.window}): ${maskCounts ? 'kept weights' : 'widths'} ${JSON.stringify(x.widths)} vs ${JSON.stringify(y.widths)}`);
      else {
        const moved = layers.reduce((s, l) => s + Math.abs((x.widths[l] ?? 0) - (y.widths[l] ?? 0)), 0) / 2;
        allowance = (2 * moved) / total(x.widths);
      }
    }
    if ((x.servesFromWindow ?? -1) !== (y.servesFromWindow ?? -1)) refreshDiffs.push(`#${i}: serves from ${x.servesFromWindow} vs ${y.servesFromWindow}`);
    // Beyond what swapped tied weights explain (0 for identical widths).
    maxRefreshDiff = Math.max(maxRefreshDiff, Math.max(Math.abs(x.jaccard - y.jaccard), Math.abs(x.flopsRatio - y.flopsRatio)) - allowance);
  }
  const parities = [...a.serving, ...b.serving].filter((s) => s.window >= fromWindow).map((s) => s.parityMaxAbsDiff);
  const maxServingParity = parities.length ? Math.max(...parities) : NaN;
  const pass =
    missing.length === 0 &&
    windows.size > 0 &&
    maxRelNE <= tol.relMetric &&
    maxRelLogLoss <= tol.relMetric &&
    maxAbsAuc <= tol.absAuc &&
    refreshDiffs.length === 0 &&
    maxRefreshDiff <= tol.absRefresh &&
    !(maxServingParity > tol.servingParity);
  return {
    windows: windows.size,
    missing,
    maxRelNE,
    maxRelLogLoss,
    maxAbsAuc,
    firstNEOff,
    refreshesA: ra.length,
    refreshesB: rb.length,
    refreshDiffs,
    maxRefreshDiff,
    maxServingParity,
    sameWidths,
    pass,
  };
}
