// One training step as one ONNX graph: forward, backward, masks, Taylor scores and the dense optimizer update.
// Parameters and optimizer state are inputs and their updated values outputs (`name:next`), so the trainer can
// ping-pong preallocated buffers on CPU (and a GPU path can keep them resident as device buffers).
// Embedding rows come in gathered ([B, F, D]) and their gradient goes out; the sparse row update happens in JS.
import { GraphBuilder } from '@driftprune/onnx';
import { bceForward } from '../layers/bce.js';
import type { Optimizer } from '../optim/index.js';
import { layerNames } from '../shape.js';
import type { DlrmShape } from '../types.js';
import { dlrmBackward } from './backward.js';
import { dlrmForward, type LayerValues } from './forward.js';
import { IN, OUT, biasName, maskName, next, scoreName, stateName, weightName } from './names.js';

export interface TrainGraphSpec {
  shape: DlrmShape;
  optimizer: Optimizer;
  /** Layer names that take a mask input. */
  masked: ReadonlySet<string>;
  taylor: boolean;
  float?: 'float32' | 'float64';
  /** dW through an explicit Transpose of dy instead of Gemm's transA (default true: faster on onnxruntime's CPU). */
  transposeDy?: boolean;
  /** Also output raw gradients (`<param>.grad`) — used by gradient checks. */
  exposeGradients?: boolean;
}

/** Names of the inputs that are also outputs (`name` → `name:next`), in a fixed order. */
export function stateInputs(spec: Pick<TrainGraphSpec, 'shape' | 'optimizer' | 'taylor'>): string[] {
  const names: string[] = [];
  for (const l of layerNames(spec.shape)) {
    for (const p of [weightName(l), biasName(l)]) {
      names.push(p);
      for (let s = 0; s < spec.optimizer.slots; s++) names.push(stateName(p, s));
    }
    if (spec.taylor) names.push(scoreName(l));
  }
  return names;
}

export function layerDims(shape: DlrmShape): { name: string; inDim: number; outDim: number }[] {
  const names = layerNames(shape);
  const dims = [...shape.bottom.slice(1).map((o, i) => [shape.bottom[i], o]), ...shape.top.slice(1).map((o, i) => [shape.top[i], o])];
  return dims.map(([inDim, outDim], i) => ({ name: names[i], inDim, outDim }));
}

/** The inputs a training step and a gradient probe share: the batch, 1/B, and every layer's W and b. */
export function stepInputs(g: GraphBuilder, shape: DlrmShape): { dense: string; emb: string; labels: string; invBatch: string; values: LayerValues[] } {
  const dense = g.input(IN.dense, ['B', shape.numDense]);
  const emb = g.input(IN.emb, ['B', shape.tableSizes.length, shape.embeddingDim]);
  const labels = g.input(IN.labels, ['B']);
  const invBatch = g.input(IN.invBatch, []);
  const values = layerDims(shape).map((l) => ({ W: g.input(weightName(l.name), [l.outDim, l.inDim]), b: g.input(biasName(l.name), [l.outDim]) }));
  return { dense, emb, labels, invBatch, values };
}

export function buildTrainGraph(spec: TrainGraphSpec): Uint8Array {
  const { shape, optimizer } = spec;
  const g = new GraphBuilder('dlrm_train', spec.float ?? 'float32');
  const F = shape.tableSizes.length;
  const D = shape.embeddingDim;
  const { dense, emb, labels, invBatch, values } = stepInputs(g, shape);
  const scalars: Record<string, string> = {};
  for (const s of optimizer.scalars) scalars[s] = g.input(s, []);
  const decay = spec.taylor ? g.input(IN.taylorDecay, []) : '';
  const keep = spec.taylor ? g.input(IN.taylorKeep, []) : '';

  const layers = layerDims(shape);
  const nBottom = shape.bottom.length - 1;
  const tape = dlrmForward(g, shape, dense, emb, values.slice(0, nBottom), values.slice(nBottom));
  const labels2d = g.unsqueeze(labels, [1]);
  const loss = bceForward(g, tape.logit, labels2d);
  g.output(loss, OUT.loss, []);
  const grads = dlrmBackward(g, shape, tape, labels2d, invBatch, { reluGrad: 'mul', transposeDy: spec.transposeDy ?? true });
  g.output(grads.dEmb, OUT.embGrad, ['B', F, D]);

  layers.forEach((l, i) => {
    const Wn = weightName(l.name);
    const bn = biasName(l.name);
    let dW = grads.layers[i].dW;
    const db = grads.layers[i].db;
    const mask = spec.masked.has(l.name) ? g.input(maskName(l.name), [l.outDim, l.inDim]) : undefined;
    if (mask) dW = g.mul(dW, mask);
    if (spec.exposeGradients) {
      g.output(dW, `${Wn}.grad`, [l.outDim, l.inDim]);
      g.output(db, `${bn}.grad`, [l.outDim]);
    }
    if (spec.taylor) {
      const score = g.input(scoreName(l.name), [l.outDim, l.inDim]);
      const s2 = g.add(g.mul(decay, score), g.mul(keep, g.abs(g.mul(values[i].W, dW))));
      g.output(s2, next(scoreName(l.name)), [l.outDim, l.inDim]);
    }
    for (const [p, grad, dims] of [[Wn, dW, [l.outDim, l.inDim]], [bn, db, [l.outDim]]] as const) {
      const state = Array.from({ length: optimizer.slots }, (_, s) => g.input(stateName(p, s), [...dims]));
      const u = optimizer.graphUpdate(g, scalars, p, grad, state);
      const param = p === Wn && mask ? g.mul(u.param, mask) : u.param;
      g.output(param, next(p), [...dims]);
      u.state.forEach((v, s) => g.output(v, next(stateName(p, s)), [...dims]));
    }
  });
  return g.build();
}
