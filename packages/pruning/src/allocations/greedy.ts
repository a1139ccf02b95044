// greedy (ours; the first version called it `learned`): a one-shot greedy knapsack over Taylor sensitivities —
// remove next the neuron with the least estimated loss increase per unit of cost saved. The cost a neuron saves
// changes as its neighbouring layers shrink, so the ratio is recomputed at every step. Unstructured, every weight
// costs the same 2 FLOPs, so the knapsack reduces to keeping the most sensitive weights (raw, not normalised).
import type { AllocationRule } from './types.js';

export const greedy: AllocationRule = {
  name: 'greedy',
  ranksBySensitivity: true,
  structuredKey: (c) => c.score / c.saved,
  unstructured: (s) => s,
};
