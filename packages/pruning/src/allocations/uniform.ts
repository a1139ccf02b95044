// uniform: every layer shrinks alike — the next neuron comes from the layer that keeps the largest fraction of its
// dense width; unstructured, every layer keeps the same fraction of its weights.
import type { AllocationRule } from './types.js';

export const uniform: AllocationRule = {
  name: 'uniform',
  ranksBySensitivity: false,
  structuredKey: (c) => -c.width / c.denseWidth,
  unstructured: 'per_layer',
};
