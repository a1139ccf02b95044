// prune_once: at the end of warm-up the dense model is pruned (warm start, optimizer state sliced) and the sparse
// model then trains with its mask fixed. The dense model trains on only as the ΔNE reference.
import { deriveFromDense, PLAIN_REFRESH } from './derive.js';
import type { Paradigm } from './types.js';

export function pruneOnceParadigm(): Paradigm {
  return {
    kind: 'prune_once',
    denseTraining: 'until_sparse',
    warmupEnd: (run, t, win) => deriveFromDense(run, t, 'warmup_end', win, PLAIN_REFRESH),
    afterWindow: async () => {},
  };
}
