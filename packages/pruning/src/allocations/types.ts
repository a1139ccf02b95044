// What an allocation rule decides: how much each layer loses. Structured pruning removes one neuron at a time
// (allocation.ts); the rule says which layer gives up its next neuron. Unstructured pruning keeps weights either
// layer by layer or under one threshold over ranks the rule makes comparable across layers.

/** The next removable neuron of one layer, as the structured loop sees it. */
export interface NeuronCandidate {
  /** The layer's current and dense widths. */
  width: number;
  denseWidth: number;
  /** The neuron's rank score (the criterion's score, or its sensitivity when the rule ranks by sensitivity). */
  score: number;
  /** The same score divided by its layer's mean score (layers made comparable). */
  normalised: number;
  /** Cost (FLOPs or parameters, the budget's unit) that removing it saves now. */
  saved: number;
  /** The width this layer should end at, when the allocation was learned beforehand (rule `learned`). */
  target?: number;
}

export interface AllocationRule {
  readonly name: string;
  /**
   * Rank neurons (and weights) by their estimated loss increase — the Taylor sensitivities when the trainer kept
   * them — instead of the criterion's score.
   */
  readonly ranksBySensitivity: boolean;
  /** Structured: the key of removing this candidate; the lowest key over all layers goes next. */
  structuredKey(c: NeuronCandidate): number;
  /**
   * Unstructured: `per_layer` keeps the same fraction of every layer; a function maps a layer's scores (of the
   * weights it keeps, `kept[i] = 1`) to ranks compared under one global threshold; `unsupported` refuses.
   */
  readonly unstructured: 'per_layer' | 'unsupported' | ((scores: Float64Array, kept: Uint8Array) => Float64Array);
  /** Structured: the rule needs per-layer target widths and ranks neurons by given scores (`PruneContext.learned`). */
  readonly needsTargets?: boolean;
}
