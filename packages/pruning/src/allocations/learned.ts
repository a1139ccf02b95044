// learned: the per-layer widths and the neurons to keep were learned beforehand on the latest data — per-neuron
// gates trained under a FLOPs-budget penalty (packages/experiment: src/allocation/learned-gates.ts). Here the
// loop only lands exactly on the budget: the next neuron comes from the layer furthest above its learned width,
// lowest gate first. Structured only (gates are per neuron).
import type { AllocationRule } from './types.js';

export const learned: AllocationRule = {
  name: 'learned',
  ranksBySensitivity: false,
  needsTargets: true,
  structuredKey: (c) => -c.width / Math.max(1, c.target ?? c.width),
  unstructured: 'unsupported',
};
