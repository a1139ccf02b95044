// The loss and the weight gradients of every MLP layer for one batch, with no update: what a caller that learns
// something else than the weights needs (e.g. per-neuron gates, which are a scaling of the next layer's columns).
import { GraphBuilder } from '@driftprune/onnx';
import { bceForward } from '../layers/bce.js';
import type { DlrmShape } from '../types.js';
import { dlrmBackward } from './backward.js';
import { dlrmForward } from './forward.js';
import { OUT, weightName } from './names.js';
import { layerDims, stepInputs } from './train-graph.js';

/** The output name of a weight's gradient. */
export const gradName = (layer: string) => `${weightName(layer)}.grad`;

/** Inputs: dense, emb, labels, inv_batch, every layer's W and b. Outputs: loss and dL/dW of every layer. */
export function buildGradientGraph(shape: DlrmShape): Uint8Array {
  const g = new GraphBuilder('dlrm_gradients', 'float32');
  const { dense, emb, labels, invBatch, values } = stepInputs(g, shape);
  const layers = layerDims(shape);
  const nBottom = shape.bottom.length - 1;
  const tape = dlrmForward(g, shape, dense, emb, values.slice(0, nBottom), values.slice(nBottom));
  const labels2d = g.unsqueeze(labels, [1]);
  g.output(bceForward(g, tape.logit, labels2d), OUT.loss, []);
  const grads = dlrmBackward(g, shape, tape, labels2d, invBatch, { reluGrad: 'mul', transposeDy: true });
  layers.forEach((l, i) => g.output(grads.layers[i].dW, gradName(l.name), [l.outDim, l.inDim]));
  return g.build();
}
