// Forward-only graphs: the engine's prediction graph (weights and gathered rows as inputs) and the standalone
// serving model (weights, tables and per-field offsets baked in as initializers; raw ids as input).
import { GraphBuilder } from '@driftprune/onnx';
import { tableOffsets } from '../shape.js';
import type { ModelParams, DlrmShape } from '../types.js';
import { dlrmForward, type LayerValues } from './forward.js';
import { IN, OUT, biasName, weightName } from './names.js';
import { layerDims } from './train-graph.js';

function outputs(g: GraphBuilder, logit: string) {
  g.output(logit, OUT.logit, ['B', 1]);
  g.output(g.reshape(g.sigmoid(logit), [-1]), OUT.prob, ['B']);
}

/** Inputs: dense, emb and every layer's W and b. Outputs: logit [B, 1], prob [B]. */
export function buildPredictGraph(shape: DlrmShape, float: 'float32' | 'float64' = 'float32'): Uint8Array {
  const g = new GraphBuilder('dlrm_predict', float);
  const dense = g.input(IN.dense, ['B', shape.numDense]);
  const emb = g.input(IN.emb, ['B', shape.tableSizes.length, shape.embeddingDim]);
  const values: LayerValues[] = layerDims(shape).map((l) => ({ W: g.input(weightName(l.name), [l.outDim, l.inDim]), b: g.input(biasName(l.name), [l.outDim]) }));
  const nBottom = shape.bottom.length - 1;
  outputs(g, dlrmForward(g, shape, dense, emb, values.slice(0, nBottom), values.slice(nBottom)).logit);
  return g.build();
}

/**
 * A standalone serving model. Inputs: `dense` float32 [B, numDense], `cat` int32 [B, F] (per-field ids, as in
 * the data contract's Batch). Outputs: `prob` [B] and `logit` [B, 1]. Masked weights are written as zeros.
 */
export function buildServingModel(params: ModelParams): Uint8Array {
  const shape = params.shape;
  const F = shape.tableSizes.length;
  const D = shape.embeddingDim;
  const g = new GraphBuilder('dlrm_serving', 'float32');
  const dense = g.input(IN.dense, ['B', shape.numDense]);
  const cat = g.input(IN.cat, ['B', F], 'int32');
  const offsets = g.initializer('table_offsets', 'int32', [F], tableOffsets(shape));
  const rows = shape.tableSizes.reduce((a, b) => a + b, 0);
  const table = g.initializer('embeddings', 'float32', [rows, D], params.embeddings);
  const emb = g.gather(table, g.add(cat, offsets), 0); // [B, F, D]
  const layers = [...params.bottom, ...params.top];
  const values: LayerValues[] = layers.map((l) => {
    const W = l.mask ? l.W.map((w, k) => w * l.mask![k]) : l.W;
    return {
      W: g.initializer(weightName(l.name), 'float32', [l.outDim, l.inDim], W),
      b: g.initializer(biasName(l.name), 'float32', [l.outDim], l.b),
    };
  });
  outputs(g, dlrmForward(g, shape, dense, emb, values.slice(0, params.bottom.length), values.slice(params.bottom.length)).logit);
  return g.build({ producer: 'driftprune serving export' });
}
