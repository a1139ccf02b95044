// Resolving and checking a DLRM shape, and what it costs (FLOPs, parameters).
import type { ModelConfig } from '@driftprune/config';
import { EngineError } from './errors.js';
import type { DlrmShape } from './types.js';

/** What the model needs to know about the data: the stream schema's widths. */
export interface InputSchema {
  numDense: number;
  tableSizes: number[];
}

/** Builds the fully resolved shape from the config's `model` section and the stream's schema. */
export function resolveShape(model: Pick<ModelConfig, 'embeddingDim' | 'bottomMlp' | 'topMlp' | 'interaction'>, schema: InputSchema): DlrmShape {
  const D = model.embeddingDim;
  const F = schema.tableSizes.length;
  const bottom = [schema.numDense, ...model.bottomMlp, D];
  const shape: DlrmShape = {
    numDense: schema.numDense,
    tableSizes: [...schema.tableSizes],
    embeddingDim: D,
    bottom,
    top: [interactionWidth(model.interaction, F, D), ...model.topMlp, 1],
    interaction: model.interaction,
  };
  validateShape(shape);
  return shape;
}

/** Width of the interaction's output, i.e. the top MLP's input. */
export function interactionWidth(interaction: 'dot' | 'cat', numFields: number, embeddingDim: number): number {
  const n = numFields + 1;
  return interaction === 'dot' ? embeddingDim + (n * (n - 1)) / 2 : embeddingDim * n;
}

const isPosInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Throws EngineError('BAD_SHAPE') with a message that says what to change. */
export function validateShape(s: DlrmShape): void {
  const bad = (msg: string): never => {
    throw new EngineError('BAD_SHAPE', msg);
  };
  if (!s || typeof s !== 'object') bad('shape must be an object');
  if (!(Number.isInteger(s.numDense) && s.numDense >= 0)) bad(`numDense must be an integer ≥ 0, got ${s.numDense}`);
  if (!isPosInt(s.embeddingDim)) bad(`embeddingDim must be a positive integer, got ${s.embeddingDim}`);
  if (!Array.isArray(s.tableSizes) || s.tableSizes.length === 0) bad('tableSizes must list at least one embedding table');
  s.tableSizes.forEach((n, i) => {
    if (!isPosInt(n)) bad(`tableSizes[${i}] must be a positive integer (rows of field ${i}'s table), got ${n}`);
  });
  if (s.interaction !== 'dot' && s.interaction !== 'cat') bad(`interaction must be 'dot' or 'cat', got '${s.interaction}'`);
  for (const [mlp, widths] of [['bottom', s.bottom], ['top', s.top]] as const) {
    if (!Array.isArray(widths) || widths.length < 2) bad(`${mlp} must list at least an input and an output width, got ${JSON.stringify(widths)}`);
    widths.forEach((w, i) => {
      // The bottom MLP's input width is numDense, which may be 0 (no dense features: it then learns a constant).
      if (mlp === 'bottom' && i === 0 && w === 0) return;
      if (!isPosInt(w)) bad(`${mlp}[${i}] must be a positive integer width, got ${w}${w === 0 ? ' (a layer cannot be pruned to zero width)' : ''}`);
    });
  }
  if (s.bottom[0] !== s.numDense) bad(`bottom[0] (${s.bottom[0]}) must equal numDense (${s.numDense})`);
  if (s.bottom[s.bottom.length - 1] !== s.embeddingDim)
    bad(`the bottom MLP's output width (${s.bottom[s.bottom.length - 1]}) must equal embeddingDim (${s.embeddingDim}) for the interaction`);
  const iw = interactionWidth(s.interaction, s.tableSizes.length, s.embeddingDim);
  if (s.top[0] !== iw) bad(`top[0] (${s.top[0]}) must equal the ${s.interaction} interaction's width ${iw}`);
  if (s.top[s.top.length - 1] !== 1) bad(`the top MLP must end in width 1 (the logit), got ${s.top[s.top.length - 1]}`);
  const rows = s.tableSizes.reduce((a, b) => a + b, 0);
  if (rows >= 2 ** 31) bad(`the tables hold ${rows} rows in total; at most 2^31 − 1 are supported`);
}

/** Layer names in order: bottom.0 … bottom.(n-1), top.0 … */
export function layerNames(s: DlrmShape): string[] {
  return [...s.bottom.slice(1).map((_, i) => `bottom.${i}`), ...s.top.slice(1).map((_, i) => `top.${i}`)];
}

/**
 * Forward FLOPs per sample of the MLPs and the interaction (a multiply-add counts 2): 2·in·out per linear layer,
 * plus 2·D per useful dot product (the strictly lower triangle) for the dot interaction. Embedding lookups,
 * biases and activations are not counted. Structured pruning lowers this; unstructured masks do not (see
 * `maskedFlopsPerSample` for the count of kept weights).
 */
export function flopsPerSample(s: DlrmShape): number {
  let f = 0;
  for (const mlp of [s.bottom, s.top]) for (let i = 1; i < mlp.length; i++) f += 2 * mlp[i - 1] * mlp[i];
  if (s.interaction === 'dot') {
    const n = s.tableSizes.length + 1;
    f += 2 * s.embeddingDim * ((n * (n - 1)) / 2);
  }
  return f;
}

/** Parameters of the MLPs (weights + biases): the prunable part of the model. Embeddings are counted separately. */
export function paramCount(s: DlrmShape): number {
  let p = 0;
  for (const mlp of [s.bottom, s.top]) for (let i = 1; i < mlp.length; i++) p += mlp[i - 1] * mlp[i] + mlp[i];
  return p;
}

/** Parameters of the embedding tables: sum(tableSizes) × embeddingDim. */
export function embeddingParamCount(s: DlrmShape): number {
  return s.tableSizes.reduce((a, b) => a + b, 0) * s.embeddingDim;
}

/** First row of each field's table in the concatenated table. */
export function tableOffsets(s: DlrmShape): Int32Array {
  const o = new Int32Array(s.tableSizes.length);
  for (let f = 1; f < o.length; f++) o[f] = o[f - 1] + s.tableSizes[f - 1];
  return o;
}
