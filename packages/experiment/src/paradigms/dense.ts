// dense: the reference. Nothing is pruned; the dense model serves and its training is the paradigm's cost.
import type { Paradigm } from './types.js';

export function denseParadigm(): Paradigm {
  return {
    kind: 'dense',
    denseTraining: 'always',
    warmupEnd: async () => {},
    afterWindow: async () => {},
  };
}
