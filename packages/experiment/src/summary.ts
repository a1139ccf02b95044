// The headline figures of a run (method.md § Protocol): ΔNE over evaluation windows, serving cost, speed-up.
import type { ExperimentConfig } from '@driftprune/config';
import { countedDeltaNEPct, type WindowExclusion } from './metrics/metrics.js';
import { speedups } from './serving/serving-eval.js';
import { costSummary } from './costs.js';
import type { RunState } from './checkpoint/run-state.js';
import type { RunSummary, RunWarning } from './types.js';

/**
 * A dense model at NE ≥ 1 predicts worse than the window's base rate would: the comparison against it says nothing,
 * and the usual causes are the data's scale or the learning rate, not the paradigm.
 */
export function denseNEWarnings(meanNEDense: number): RunWarning[] {
  if (!(meanNEDense >= 1)) return [];
  return [
    {
      code: 'DENSE_NE_AT_LEAST_ONE',
      message:
        `the dense model's mean NE is ${meanNEDense.toFixed(3)} (≥ 1: worse than predicting the base rate), so its ΔNE ` +
        'comparisons mean little; check the dense features\' scale (data.denseScaling: standardize, data.csv.logDense), ' +
        'the learning rate (optimizer.lr) and the labels',
    },
  ];
}

/** Headline figures over the evaluation windows (warm-up excluded). */
export function summarise(cfg: ExperimentConfig, st: Pick<RunState, 'metrics' | 'refreshes' | 'serving' | 'trainingFlops' | 'embeddingTrainingFlops' | 'peakModelBytes' | 'refreshWallSec'>, servingFlopsRatio: number, servingParamsRatio: number, wallSec: number): RunSummary {
  const deltas: number[] = [];
  const neDense: number[] = [];
  const neServing: number[] = [];
  const excluded: Partial<Record<WindowExclusion, number>> = {};
  const windows = new Set(st.metrics.map((m) => m.window));
  for (const w of windows) {
    const d = st.metrics.find((m) => m.window === w && m.model === 'dense');
    if (!d || d.warmup) continue;
    const s = st.metrics.find((m) => m.window === w && m.model === 'serving') ?? (cfg.paradigm.kind === 'dense' ? d : undefined);
    if (!s) continue;
    const delta = countedDeltaNEPct(s, d);
    if (delta === null) {
      // Both models saw the same labels: one reason for the window.
      const why = d.excluded ?? s.excluded ?? 'one_class';
      excluded[why] = (excluded[why] ?? 0) + 1;
      continue;
    }
    deltas.push(delta);
    neDense.push(d.ne!);
    neServing.push(s.ne!);
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const meanNEDense = mean(neDense);
  const lastWindow = st.serving.length ? Math.max(...st.serving.map((e) => e.window)) : -1;
  const last = st.serving.filter((e) => e.window === lastWindow);
  const byBatch = speedups(last);
  const sizes = Object.keys(byBatch).map(Number).sort((a, b) => a - b);
  const speedupByBatch = cfg.paradigm.kind === 'dense' ? Object.fromEntries(last.map((e) => [e.batchSize, 1])) : byBatch;
  return {
    paradigm: cfg.paradigm.kind,
    windows: windows.size,
    meanDeltaNEPct: mean(deltas),
    maxDeltaNEPct: deltas.length ? Math.max(...deltas) : NaN,
    servingFlopsRatio,
    servingParamsRatio,
    servingSpeedup: cfg.paradigm.kind === 'dense' ? (last.length ? 1 : null) : sizes.length ? byBatch[sizes[sizes.length - 1]] : null,
    refreshes: st.refreshes.length,
    trainingFlops: st.trainingFlops,
    wallSec,
    evaluationWindows: deltas.length,
    ...(Object.keys(excluded).length ? { excludedWindows: excluded } : {}),
    meanNEDense,
    meanNEServing: mean(neServing),
    speedupByBatch,
    parityMaxAbsDiff: st.serving.length ? Math.max(...st.serving.map((e) => e.parityMaxAbsDiff)) : null,
    warnings: denseNEWarnings(meanNEDense),
    ...costSummary(cfg, st),
  };
}
