// DLRM initialisation (facebookresearch/dlrm): Linear W ~ N(0, 2/(in+out)), b ~ N(0, 1/out);
// embedding rows ~ U(−sqrt(1/n), sqrt(1/n)) with n the table's row count.
import { Rng } from './rng.js';
import { layerNames, validateShape } from './shape.js';
import type { DenseLayer, DlrmShape, ModelParams } from './types.js';

export function initParams(shape: DlrmShape, seed: number): ModelParams {
  validateShape(shape);
  const rng = new Rng(seed);
  const names = layerNames(shape);
  const mlp = (widths: number[], offset: number): DenseLayer[] =>
    widths.slice(1).map((outDim, i) => {
      const inDim = widths[i];
      const W = new Float32Array(outDim * inDim);
      const b = new Float32Array(outDim);
      const sw = Math.sqrt(2 / (inDim + outDim));
      const sb = Math.sqrt(1 / outDim);
      for (let k = 0; k < W.length; k++) W[k] = sw * rng.normal();
      for (let k = 0; k < b.length; k++) b[k] = sb * rng.normal();
      return { name: names[offset + i], inDim, outDim, W, b };
    });
  const bottom = mlp(shape.bottom, 0);
  const top = mlp(shape.top, bottom.length);
  const D = shape.embeddingDim;
  const embeddings = new Float32Array(shape.tableSizes.reduce((a, b) => a + b, 0) * D);
  let row = 0;
  for (const n of shape.tableSizes) {
    const a = Math.sqrt(1 / n);
    for (let k = row * D; k < (row + n) * D; k++) embeddings[k] = rng.uniform(-a, a);
    row += n;
  }
  return { shape: structuredClone(shape), bottom, top, embeddings };
}

/** A deep copy (masks included). */
export function cloneParams(p: ModelParams): ModelParams {
  const layer = (l: DenseLayer): DenseLayer => ({ ...l, W: l.W.slice(), b: l.b.slice(), ...(l.mask ? { mask: l.mask.slice() } : {}) });
  return { shape: structuredClone(p.shape), bottom: p.bottom.map(layer), top: p.top.map(layer), embeddings: p.embeddings.slice() };
}
