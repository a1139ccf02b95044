// The contract between the training engine and its users (pruning, experiment runner, worker).
// Parameters are plain Float32Arrays so that pruning can be written and tested without an engine.

/** The shape of a DLRM-style model, fully resolved (input and output widths included). */
export interface DlrmShape {
  numDense: number;
  /** Rows of each categorical field's embedding table. */
  tableSizes: number[];
  embeddingDim: number;
  /** Bottom MLP widths from input to output, e.g. [13, 512, 256, 64, 16]; the last equals embeddingDim. */
  bottom: number[];
  /** Top MLP widths from input to output, e.g. [367, 512, 256, 1]; the first is the interaction's width. */
  top: number[];
  interaction: 'dot' | 'cat';
}

/** One fully connected layer: y = x·Wᵀ + b, W is out × in, row-major (row j = neuron j's input weights). */
export interface DenseLayer {
  /** `bottom.0`, `bottom.1`, …, `top.0`, … */
  name: string;
  inDim: number;
  outDim: number;
  W: Float32Array;
  b: Float32Array;
  /** Unstructured pruning: 1 keeps a weight, 0 removes it (same layout as W). Absent = dense. */
  mask?: Float32Array;
}

export interface ModelParams {
  shape: DlrmShape;
  bottom: DenseLayer[];
  top: DenseLayer[];
  /** All embedding tables concatenated: sum(tableSizes) × embeddingDim, row-major. */
  embeddings: Float32Array;
}

/** Per-weight accumulated importance, e.g. an EMA of |w · ∂L/∂w| (Taylor), in each layer's W layout. */
export type LayerScores = Record<string, Float32Array>;
