// The headline figures of a run (method.md § Protocol): ΔNE over evaluation windows, serving cost, speed-up.
import type { ExperimentConfig } from '@driftprune/config';
import { deltaNEPct } from './metrics/metrics.js';
import { speedups } from './serving/serving-eval.js';
import type { RunState } from './checkpoint/run-state.js';
import type { RunSummary } from './types.js';

/** Headline figures over the evaluation windows (warm-up excluded). */
export function summarise(cfg: ExperimentConfig, st: Pick<RunState, 'metrics' | 'refreshes' | 'serving' | 'trainingFlops'>, servingFlopsRatio: number, servingParamsRatio: number, wallSec: number): RunSummary {
  const deltas: number[] = [];
  const neDense: number[] = [];
  const neServing: number[] = [];
  const windows = new Set(st.metrics.map((m) => m.window));
  for (const w of windows) {
    const d = st.metrics.find((m) => m.window === w && m.model === 'dense');
    if (!d || d.warmup) continue;
    const s = st.metrics.find((m) => m.window === w && m.model === 'serving') ?? (cfg.paradigm.kind === 'dense' ? d : undefined);
    if (!s) continue;
    deltas.push(deltaNEPct(s.ne, d.ne));
    neDense.push(d.ne);
    neServing.push(s.ne);
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
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
    meanNEDense: mean(neDense),
    meanNEServing: mean(neServing),
    speedupByBatch,
    parityMaxAbsDiff: st.serving.length ? Math.max(...st.serving.map((e) => e.parityMaxAbsDiff)) : null,
  };
}
