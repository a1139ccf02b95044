// FLOPs and parameter accounting of a DLRM-style model's MLPs and interaction (forward, per sample).
// One multiply-add counts as 2 FLOPs; biases and activations are left out (they are O(width), not O(width²)).
import type { DlrmShape, ModelParams, DenseLayer } from '@driftprune/engine';

/** Forward FLOPs of one fully connected layer of `inDim → outDim` per sample. */
export function layerFlops(inDim: number, outDim: number): number {
  return 2 * inDim * outDim;
}

/** FLOPs of an MLP given its widths from input to output, e.g. [13, 64, 32, 16]. */
export function mlpFlops(widths: number[]): number {
  let f = 0;
  for (let i = 0; i + 1 < widths.length; i++) f += layerFlops(widths[i], widths[i + 1]);
  return f;
}

/** Number of feature vectors entering the interaction: the bottom MLP's output plus one embedding per field. */
export function interactionVectors(shape: DlrmShape): number {
  return shape.tableSizes.length + 1;
}

/** FLOPs of the feature interaction per sample: pairwise dot products (dot) or nothing but a copy (cat). */
export function interactionFlops(shape: DlrmShape): number {
  if (shape.interaction === 'cat') return 0;
  const n = interactionVectors(shape);
  return ((n * (n - 1)) / 2) * 2 * shape.embeddingDim;
}

/** MLP FLOPs of the two MLPs of `shape` (what the pruning budget is a fraction of). */
export function shapeMlpFlops(shape: DlrmShape): number {
  return mlpFlops(shape.bottom) + mlpFlops(shape.top);
}

/** Forward FLOPs per sample of MLPs + interaction (embedding look-ups are memory, not FLOPs). */
export function shapeFlops(shape: DlrmShape): number {
  return shapeMlpFlops(shape) + interactionFlops(shape);
}

function keptWeights(l: DenseLayer): number {
  if (!l.mask) return l.W.length;
  let n = 0;
  for (let i = 0; i < l.mask.length; i++) if (l.mask[i] !== 0) n++;
  return n;
}

/**
 * MLP FLOPs of actual parameters: a masked (unstructured) weight costs nothing, as on hardware that skips zeros.
 * For structured pruning this equals shapeMlpFlops of the smaller shape.
 */
export function paramsMlpFlops(p: ModelParams): number {
  let f = 0;
  for (const l of [...p.bottom, ...p.top]) f += 2 * keptWeights(l);
  return f;
}

export function paramsFlops(p: ModelParams): number {
  return paramsMlpFlops(p) + interactionFlops(p.shape);
}

/** MLP parameters (kept weights + biases). */
export function paramsMlpCount(p: ModelParams): number {
  let n = 0;
  for (const l of [...p.bottom, ...p.top]) n += keptWeights(l) + l.b.length;
  return n;
}

/** All parameters: MLPs plus embedding tables. */
export function paramsCount(p: ModelParams): number {
  return paramsMlpCount(p) + p.embeddings.length;
}
