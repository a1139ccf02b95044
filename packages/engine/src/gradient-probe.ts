// Loss and MLP weight gradients of a fixed model on a batch, without training it: the parameters are read in
// place (no copy of the tables), any layer's W may be replaced per call, and nothing is updated. CPU only.
import type { Batch } from '@driftprune/data';
import { f32, type Tensor } from '@driftprune/onnx';
import { EngineError } from './errors.js';
import { buildGradientGraph, gradName } from './graph/gradient-graph.js';
import { IN, OUT, biasName, weightName } from './graph/names.js';
import { checkIds, gatherRows } from './layers/embedding.js';
import { validateParams } from './params.js';
import { acquireSession, architectureKey, releaseSession } from './session-cache.js';
import { tableOffsets } from './shape.js';
import type { ModelParams } from './types.js';

export interface GradientProbe {
  /**
   * The batch's mean log loss and dL/dW of every layer (by layer name), under the probe's parameters with the
   * layers in `weights` replaced (same shapes). Gradient arrays are fresh.
   */
  gradients(batch: Batch, weights?: Record<string, Float32Array>): { loss: number; dW: Record<string, Float32Array> };
  dispose(): void;
}

export function createGradientProbe(params: ModelParams, o: { threads?: number } = {}): GradientProbe {
  validateParams(params);
  const shape = params.shape;
  const threads = o.threads ?? 0;
  const { key, session } = acquireSession(`gradients|${architectureKey(shape)}`, { threads }, () => buildGradientGraph(shape));
  const layers = [...params.bottom, ...params.top];
  const offsets = tableOffsets(shape);
  const F = shape.tableSizes.length;
  const D = shape.embeddingDim;
  // Masked weights are zero in the model the probe stands for.
  const W = new Map(layers.map((l) => [l.name, l.mask ? l.W.map((w, k) => w * l.mask![k]) : l.W]));
  let disposed = false;
  return {
    gradients(batch, weights = {}) {
      if (disposed) throw new EngineError('DISPOSED', 'this gradient probe was disposed');
      const B = batch.size;
      if (!Number.isInteger(B) || B <= 0 || batch.labels.length < B || batch.cat.length < B * F || batch.dense.length < B * shape.numDense)
        throw new EngineError('BAD_BATCH', `batch of ${B} rows does not match the probe's shape (${shape.numDense} dense features, ${F} fields, labels)`);
      const err = checkIds(batch.cat, B, shape.tableSizes);
      if (err) throw new EngineError('BAD_BATCH', err);
      const emb = new Float32Array(B * F * D);
      gatherRows(params.embeddings, D, offsets, batch.cat, B, emb);
      const feeds: Record<string, Tensor> = {
        [IN.dense]: f32(batch.dense.subarray(0, B * shape.numDense), [B, shape.numDense]),
        [IN.emb]: f32(emb, [B, F, D]),
        [IN.labels]: f32(batch.labels.subarray(0, B), [B]),
        [IN.invBatch]: f32(Float32Array.of(1 / B), []),
      };
      for (const l of layers) {
        const w = Object.hasOwn(weights, l.name) ? weights[l.name] : W.get(l.name)!;
        if (w.length !== l.W.length) throw new EngineError('BAD_PARAMS', `weights of ${l.name} hold ${w.length} values, the layer has ${l.W.length}`);
        feeds[weightName(l.name)] = f32(w, [l.outDim, l.inDim]);
        feeds[biasName(l.name)] = f32(l.b, [l.outDim]);
      }
      const fetches: Record<string, null> = { [OUT.loss]: null };
      for (const l of layers) fetches[gradName(l.name)] = null;
      const out = session.run(feeds, fetches);
      const dW: Record<string, Float32Array> = {};
      for (const l of layers) dW[l.name] = (out[gradName(l.name)].data as Float32Array).slice();
      return { loss: (out[OUT.loss].data as Float32Array)[0], dW };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      releaseSession(key);
    },
  };
}
