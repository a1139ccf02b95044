// Graphs of the device-resident engine: every piece of model state (the flat dense parameters, their optimizer
// state, masks, Taylor scores, the embedding tables and theirs) is a graph input whose updated value is the
// output `name:next`. On the WebGPU execution provider those outputs stay in GPU buffers and are fed back as the
// next step's inputs, so the host sends only the batch (dense, cat, labels and a few scalars) and reads back the
// loss. The same graphs run on the CPU execution provider with identical semantics (that is how they are tested).
import { GraphBuilder } from '@driftprune/onnx';
import { dlrmBackward } from '../graph/backward.js';
import { dlrmForward, type LayerValues } from '../graph/forward.js';
import { IN, OUT, next } from '../graph/names.js';
import { bceForward } from '../layers/bce.js';
import type { Optimizer } from '../optim/index.js';
import { tableOffsets } from '../shape.js';
import type { DlrmShape } from '../types.js';
import { embeddingLookup, sparseRowUpdate } from './embedding-update.js';
import { denseLayout, type DenseLayout } from './layout.js';

/** Names of the resident state tensors. */
export const STATE = {
  params: 'dense.params',
  paramSlot: (s: number) => `dense.params.s${s}`,
  mask: 'dense.mask',
  score: 'dense.score',
  table: 'embeddings',
  tableSlot: (s: number) => `embeddings.s${s}`,
} as const;

export interface ResidentGraphSpec {
  shape: DlrmShape;
  optimizer: Optimizer;
  /** A flat mask input (1 keeps a weight; biases always 1) multiplies the gradient and the updated parameters. */
  masked: boolean;
  /** Accumulate Taylor scores over the flat vector: s ← decay·s + (1 − decay)·|p·g|. */
  taylor: boolean;
}

/** State inputs of the training graph, in a fixed order (each has an output `name:next`). */
export function residentStateNames(spec: Pick<ResidentGraphSpec, 'optimizer' | 'masked' | 'taylor'>): string[] {
  const slots = Array.from({ length: spec.optimizer.slots }, (_, s) => s);
  return [
    STATE.params,
    ...slots.map(STATE.paramSlot),
    ...(spec.masked ? [STATE.mask] : []),
    ...(spec.taylor ? [STATE.score] : []),
    STATE.table,
    ...slots.map(STATE.tableSlot),
  ];
}

/** Inputs shared by the training and evaluation graphs: batch, flat parameters (split per layer), table lookup. */
function forwardInputs(g: GraphBuilder, shape: DlrmShape, layout: DenseLayout) {
  const F = shape.tableSizes.length;
  const dense = g.input(IN.dense, ['B', shape.numDense]);
  const cat = g.input(IN.cat, ['B', F], 'int32');
  const params = g.input(STATE.params, [layout.size]);
  const table = g.input(STATE.table, ['R', shape.embeddingDim]);
  const offsets = g.initializer('table_offsets', 'int32', [F], tableOffsets(shape));
  // One Split kernel hands every layer its W and b.
  const pieces = g.split(params, layout.tensors.map((t) => t.size), 0);
  const values: LayerValues[] = [];
  for (let i = 0; i < layout.tensors.length; i += 2) {
    const W = layout.tensors[i];
    values.push({ W: g.reshape(pieces[i], W.dims), b: pieces[i + 1] });
  }
  const { rowIds, emb } = embeddingLookup(g, table, cat, offsets);
  const nBottom = shape.bottom.length - 1;
  const tape = dlrmForward(g, shape, dense, emb, values.slice(0, nBottom), values.slice(nBottom));
  return { params, table, rowIds, emb, values, tape };
}

/** Forward, backward, and the optimizer update of every parameter (dense and embedding rows) in one graph. */
export function buildResidentTrainGraph(spec: ResidentGraphSpec): Uint8Array {
  const { shape, optimizer } = spec;
  const layout = denseLayout(shape);
  const D = shape.embeddingDim;
  const g = new GraphBuilder('dlrm_train_resident');
  const { params, table, rowIds, emb, tape } = forwardInputs(g, shape, layout);
  const labels = g.input(IN.labels, ['B']);
  const invBatch = g.input(IN.invBatch, []);
  const scalars: Record<string, string> = {};
  for (const s of optimizer.scalars) scalars[s] = g.input(s, []);
  const slots = Array.from({ length: optimizer.slots }, (_, s) => s);
  const paramState = slots.map((s) => g.input(STATE.paramSlot(s), [layout.size]));
  const mask = spec.masked ? g.input(STATE.mask, [layout.size]) : undefined;
  const score = spec.taylor ? g.input(STATE.score, [layout.size]) : undefined;
  const tableState = slots.map((s) => g.input(STATE.tableSlot(s), ['R', D]));
  const decay = spec.taylor ? g.input(IN.taylorDecay, []) : '';
  const keep = spec.taylor ? g.input(IN.taylorKeep, []) : '';

  const labels2d = g.unsqueeze(labels, [1]);
  g.output(bceForward(g, tape.logit, labels2d), OUT.loss, []);
  const grads = dlrmBackward(g, shape, tape, labels2d, invBatch);

  // Dense parameters: one flat gradient (a single Concat), one optimizer update over all of it.
  const flat: string[] = [];
  grads.layers.forEach((l, i) => flat.push(g.reshape(l.dW, [-1]), l.db));
  let grad = g.concat(flat, 0);
  if (mask) grad = g.mul(grad, mask);
  if (score) g.output(g.add(g.mul(decay, score), g.mul(keep, g.abs(g.mul(params, grad)))), next(STATE.score), [layout.size]);
  const u = optimizer.graphUpdate(g, scalars, params, grad, paramState);
  g.output(mask ? g.mul(u.param, mask) : u.param, next(STATE.params), [layout.size]);
  u.state.forEach((v, s) => g.output(v, next(STATE.paramSlot(s)), [layout.size]));
  if (mask) g.output(g.identity(mask), next(STATE.mask), [layout.size]);

  // Embedding rows: the sparse update inside the graph.
  const e = sparseRowUpdate(g, optimizer, scalars, { table, state: tableState, rowIds, emb, dEmb: grads.dEmb, D });
  g.output(e.table, next(STATE.table), ['R', D]);
  e.state.forEach((v, s) => g.output(v, next(STATE.tableSlot(s)), ['R', D]));
  return g.build();
}

/** Evaluation: inputs dense, cat, the flat parameters and the table; outputs logit [B, 1] and prob [B]. */
export function buildResidentEvalGraph(shape: DlrmShape): Uint8Array {
  const g = new GraphBuilder('dlrm_eval_resident');
  const { tape } = forwardInputs(g, shape, denseLayout(shape));
  g.output(tape.logit, OUT.logit, ['B', 1]);
  g.output(g.reshape(g.sigmoid(tape.logit), [-1]), OUT.prob, ['B']);
  return g.build();
}

/** Copies a device tensor of rank `rank` into host memory (onnxruntime-node cannot read a gpu-buffer directly). */
export function buildReadbackGraph(rank: 1 | 2): Uint8Array {
  const g = new GraphBuilder(`readback_rank${rank}`);
  const dims = rank === 1 ? ['n'] : ['r', 'c'];
  g.output(g.identity(g.input('x', dims)), 'y', dims);
  return g.build();
}
