// A run's costs beside its accuracy (issue 14 item 6): training FLOPs with the embedding updates, the largest memory
// the live models held, serving FLOPs averaged over the windows served (not the final model's), the wall time of
// the paradigm's actions, and the serving speed-up of the models that were evaluated, weighted by the windows each
// served.
import type { ExperimentConfig } from '@driftprune/config';
import type { RunState } from './checkpoint/run-state.js';
import { speedups } from './serving/serving-eval.js';
import type { RunSummary } from './types.js';

export type CostFields = Pick<RunSummary, 'embeddingTrainingFlops' | 'totalTrainingFlops' | 'peakModelBytes' | 'meanServingFlopsRatio' | 'refreshWallSec' | 'meanServingSpeedup'>;

export function costSummary(cfg: ExperimentConfig, st: Pick<RunState, 'metrics' | 'serving' | 'trainingFlops' | 'embeddingTrainingFlops' | 'peakModelBytes' | 'refreshWallSec'>): CostFields {
  const evaluated = st.metrics.filter((m) => m.model === 'dense' && !m.warmup);
  // Per evaluation window: the serving model's FLOPs against dense (dense itself serves where no sparse model does).
  const ratios = evaluated.map((d) => (st.metrics.find((m) => m.window === d.window && m.model === 'serving')?.flops ?? d.flops) / d.flops);
  const embedding = st.embeddingTrainingFlops ?? 0;
  return {
    embeddingTrainingFlops: embedding,
    totalTrainingFlops: st.trainingFlops + embedding,
    peakModelBytes: st.peakModelBytes ?? 0,
    meanServingFlopsRatio: ratios.length ? ratios.reduce((a, b) => a + b, 0) / ratios.length : 1,
    refreshWallSec: st.refreshWallSec ?? 0,
    meanServingSpeedup: cfg.paradigm.kind === 'dense' ? (st.serving.length ? 1 : null) : meanSpeedup(st.serving, evaluated.map((m) => m.window)),
  };
}

/**
 * The speed-up at the largest timed batch of each evaluated serving model, weighted by the evaluation windows it
 * served: an evaluation at window t times the model that serves from t until the next evaluation (the last one, or
 * the end-of-run one, also stands for the windows before it that no earlier evaluation covers).
 */
function meanSpeedup(evals: RunState['serving'], windows: number[]): number | null {
  const at = [...new Set(evals.map((e) => e.window))].sort((a, b) => a - b);
  const byWindow = new Map<number, number>();
  for (const w of at) {
    const s = speedups(evals.filter((e) => e.window === w));
    const sizes = Object.keys(s).map(Number).sort((a, b) => a - b);
    if (sizes.length) byWindow.set(w, s[sizes[sizes.length - 1]]);
  }
  const timed = [...byWindow.keys()];
  if (!timed.length || !windows.length) return null;
  let sum = 0;
  for (const w of windows) {
    const before = timed.filter((t) => t <= w);
    sum += byWindow.get(before.length ? before[before.length - 1] : timed[0])!;
  }
  return sum / windows.length;
}
