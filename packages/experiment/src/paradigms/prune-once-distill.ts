// prune_once_distill (ours): the compute-matched baseline for D2S. prune_once, whose sparse model trains on every
// window with the co-trained dense model as a teacher: targets (1 − w)·label + w·p_dense, with p_dense the dense
// model's prediction of the row before it trains on it. It pays what D2S pays — the dense model's training every
// window and one dense forward pass per row — without ever replacing the sparse model.
import type { ParadigmConfig } from '@driftprune/config';
import { deriveFromDense, PLAIN_REFRESH } from './derive.js';
import type { Paradigm } from './types.js';

export function pruneOnceDistillParadigm(p: Extract<ParadigmConfig, { kind: 'prune_once_distill' }>): Paradigm {
  const w = p.distillWeight;
  return {
    kind: 'prune_once_distill',
    denseTraining: 'always',
    warmupEnd: (run, t, win) => deriveFromDense(run, t, 'warmup_end', win, PLAIN_REFRESH),
    servingBatch: (run, b) => {
      const teacher = run.dense.predict(b);
      // The teacher's forward pass, beside the training of both models.
      run.st.trainingFlops += run.denseFlops * b.size;
      const labels = new Float32Array(b.size);
      for (let i = 0; i < b.size; i++) labels[i] = (1 - w) * b.labels[i] + w * teacher[i];
      return { ...b, labels };
    },
    afterWindow: async () => {},
  };
}
