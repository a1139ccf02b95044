// Graphs of the device-resident engine: every piece of model state (the flat dense parameters, their optimizer
// state, masks, Taylor scores, the embedding tables and theirs) is a graph input whose updated value is the
// output `name:next`. On the WebGPU execution provider those outputs stay in GPU buffers and are fed back as the
// next step's inputs, so the host sends only the batch and reads back the loss. The same graphs run on the CPU
// execution provider with identical semantics (that is how they are tested).
//
// The training graph is built for one batch size: the host sends the whole batch and the step's scalars as ONE
// float32 vector (each host→device copy costs a staging round trip in the WebGPU EP), and the weight-gradient
// products are split over the batch to fill the card (dlrm-tuned.ts). Evaluation graphs take any batch size.
import { GraphBuilder } from '@driftprune/onnx';
import { dlrmBackward } from '../graph/backward.js';
import { dlrmForward, type LayerValues } from '../graph/forward.js';
import { IN, OUT, next } from '../graph/names.js';
import { bceBackward, bceForward } from '../layers/bce.js';
import type { Optimizer } from '../optim/index.js';
import { tableOffsets } from '../shape.js';
import type { DlrmShape } from '../types.js';
import { splitKFor, tunedBackward, tunedForward, type TunedLayer } from './dlrm-tuned.js';
import { embeddingLookup, sparseRowUpdate, type SparseUpdateInput } from './embedding-update.js';
import { denseLayout, type DenseLayout } from './layout.js';

/** Names of the resident state tensors and of the packed host input. */
export const STATE = {
  params: 'dense.params',
  paramSlot: (s: number) => `dense.params.s${s}`,
  mask: 'dense.mask',
  score: 'dense.score',
  table: 'embeddings',
  tableSlot: (s: number) => `embeddings.s${s}`,
} as const;
export const HOST_INPUT = 'host';
/** Output of the packed training graph: > 0 when some id lies outside its field's table (the step must not count). */
export const BAD_IDS = 'bad_ids';
/** Output of the packed training graph with `hostOutputs: 'one'`: [loss, bad_ids] (one device→host copy). */
export const HOST_OUTPUT = 'host_out';

export interface GraphVariant {
  /** 'tuned' (default): batch-major, padded, split-K weight gradients (dlrm-tuned.ts); 'plain': the CPU engine's formulation. */
  formulation?: 'tuned' | 'plain';
  /** 'flat' (default): one optimizer update over all dense parameters; 'per-tensor': one per W and b. */
  denseUpdate?: 'flat' | 'per-tensor';
  /**
   * 'sparse': the optimizer over the batch's rows only; 'full-table': over every row (SGD/Adagrad only, where a
   * zero gradient leaves a row exactly as it was); 'auto' (default): full-table when the batch touches at least
   * 1/8 of all rows (the row gathers and the scatters into table copies then cost more than a pass over the
   * table: 29.0 vs 30.8 ms per step at batch 32768 on an H100), else sparse.
   */
  embeddingUpdate?: 'auto' | 'sparse' | 'full-table';
  /** 'packed' (default): batch and scalars in one host vector; 'separate': dense, cat, labels and each scalar as inputs. */
  hostInputs?: 'packed' | 'separate';
  /**
   * Largest piece of the packed host vector, in bytes (default Infinity: one input). A longer vector travels as
   * several inputs (`host`, `host.1`, ...) joined on the device. Measured slower (H100, batch 32768: 5.2 MB as
   * one input 4.6 ms per run, as 2 pieces 5.2 ms, as 4 pieces 6.8 ms; docs/performance.md): the copy costs per
   * byte and per input, not per large staging buffer. Kept to show that in bench-gpu.
   */
  hostChunkBytes?: number;
  /** Packed graphs only: 'one' (default) returns [loss, bad_ids] as HOST_OUTPUT; 'separate' returns each on its own. */
  hostOutputs?: 'one' | 'separate';
  /**
   * 2 (default): the step cut in a forward run (host outputs) and an update run whose outputs all stay on the
   * device (split-step.ts), so that the next batch's copy overlaps the GPU's backward pass (H100, batch 32768: 14.9
   * vs 18.1 ms per step). 1: the whole step in one run.
   */
  stepRuns?: 1 | 2;
}

/** Names and lengths (float32 elements) of the packed host vector's pieces, in order. */
export function hostChunks(length: number, maxBytes = Infinity): { name: string; length: number }[] {
  // Near-equal pieces, each a multiple of 4 elements (16 bytes) but the last, none above maxBytes.
  const per = Math.max(4, Math.floor(maxBytes / 16) * 4);
  const k = Math.max(1, Math.ceil(length / per));
  const size = Math.min(length, Math.ceil(length / k / 4) * 4);
  return Array.from({ length: k }, (_, i) => ({ name: i === 0 ? HOST_INPUT : `${HOST_INPUT}.${i}`, length: Math.min(size, length - i * size) })).filter((c) => c.length > 0);
}

export interface ResidentGraphSpec {
  shape: DlrmShape;
  optimizer: Optimizer;
  /** A flat mask input (1 keeps a weight; biases always 1) multiplies the gradient and the updated parameters. */
  masked: boolean;
  /** Accumulate Taylor scores over the flat vector: s ← decay·s + (1 − decay)·|p·g|. */
  taylor: boolean;
  /** The batch size the training graph is built for. */
  batch: number;
  /** Slower formulations kept to measure what the defaults buy (bench-gpu's variants); same results. */
  variant?: GraphVariant;
}

export function residentLayout(shape: DlrmShape, variant?: GraphVariant): DenseLayout {
  return denseLayout(shape, { pad4: (variant?.formulation ?? 'tuned') === 'tuned' });
}

/** The embedding update a training graph uses: `ids` = B·F row lookups per step, `rows` = rows of all tables. */
export function resolveEmbeddingUpdate(choice: GraphVariant['embeddingUpdate'], optimizer: Optimizer['kind'], ids: number, rows: number): 'sparse' | 'full-table' {
  if (choice === 'sparse' || choice === 'full-table') return choice;
  return optimizer !== 'adam' && ids * 8 >= rows ? 'full-table' : 'sparse';
}

/** Whether the packed host input can carry the ids as float32 exactly (every id below 2^24). */
export function packedInputsFit(shape: DlrmShape): boolean {
  return shape.tableSizes.every((n) => n <= 2 ** 24);
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

/** Scalars of a step, in the order the packed host input carries them. */
export function scalarNames(optimizer: Optimizer, taylor: boolean): string[] {
  return [IN.invBatch, ...optimizer.scalars, ...(taylor ? [IN.taylorDecay, IN.taylorKeep] : [])];
}

/** Length of the packed host input at batch B: dense, ids (as float32), labels, then the scalars. */
export function hostInputLength(shape: DlrmShape, B: number, scalars: number): number {
  return B * (shape.numDense + shape.tableSizes.length + 1) + scalars;
}

interface Model {
  params: string;
  table: string;
  rowIds: string;
  emb: string;
  logit: string;
  /** Gradients of the mean loss for the dense layers (flattened, in layout order) and for emb. */
  backward: (labels2d: string, invBatch: string) => { flat: string[]; dEmb: string };
}

/** The forward pass from the flat parameters and the table, in either formulation; backward on demand. */
function model(g: GraphBuilder, shape: DlrmShape, layout: DenseLayout, dense: string, cat: string, variant: GraphVariant | undefined, splitK: number[]): Model {
  const params = g.input(STATE.params, [layout.size]);
  const table = g.input(STATE.table, ['R', shape.embeddingDim]);
  const offsets = g.initializer('table_offsets', 'int32', [shape.tableSizes.length], tableOffsets(shape));
  const { rowIds, emb } = embeddingLookup(g, table, cat, offsets);
  // One Split kernel hands every layer its W and b.
  const pieces = g.split(params, layout.tensors.map((t) => t.size), 0);
  const nBottom = shape.bottom.length - 1;
  if ((variant?.formulation ?? 'tuned') === 'tuned') {
    const layers: TunedLayer[] = [];
    for (let i = 0; i < layout.tensors.length; i += 2) {
      const W = layout.tensors[i];
      layers.push({ W: g.reshape(pieces[i], W.dims), b: pieces[i + 1], tensor: W, splitK: splitK[i / 2] ?? 1 });
    }
    const bottom = layers.slice(0, nBottom);
    const top = layers.slice(nBottom);
    const tape = tunedForward(g, shape, dense, emb, bottom, top);
    return {
      params, table, rowIds, emb, logit: tape.logit,
      backward: (labels2d, invBatch) => {
        const gr = tunedBackward(g, shape, tape, bottom, top, bceBackward(g, tape.logit, labels2d, invBatch));
        return { flat: gr.layers.flatMap((l) => [g.reshape(l.dW, [-1]), l.db]), dEmb: gr.dEmb };
      },
    };
  }
  const values: LayerValues[] = [];
  for (let i = 0; i < layout.tensors.length; i += 2) values.push({ W: g.reshape(pieces[i], layout.tensors[i].dims), b: pieces[i + 1] });
  const tape = dlrmForward(g, shape, dense, emb, values.slice(0, nBottom), values.slice(nBottom));
  return {
    params, table, rowIds, emb, logit: tape.logit,
    backward: (labels2d, invBatch) => {
      const gr = dlrmBackward(g, shape, tape, labels2d, invBatch);
      return { flat: gr.layers.flatMap((l) => [g.reshape(l.dW, [-1]), l.db]), dEmb: gr.dEmb };
    },
  };
}

/** Forward, backward, and the optimizer update of every parameter (dense and embedding rows) in one graph. */
export function buildResidentTrainGraph(spec: ResidentGraphSpec): Uint8Array {
  const { shape, optimizer, batch: B } = spec;
  const variant = spec.variant;
  const layout = residentLayout(shape, variant);
  const F = shape.tableSizes.length;
  const D = shape.embeddingDim;
  const g = new GraphBuilder('dlrm_train_resident');
  const names = scalarNames(optimizer, spec.taylor);
  const scalars: Record<string, string> = {};
  let dense: string;
  let cat: string;
  let labels2d: string;
  let badIds: string | undefined;
  if ((variant?.hostInputs ?? 'packed') === 'packed') {
    const pieces = hostChunks(hostInputLength(shape, B, names.length), variant?.hostChunkBytes);
    const host = pieces.length === 1 ? g.input(HOST_INPUT, [pieces[0].length]) : g.concat(pieces.map((c) => g.input(c.name, [c.length])), 0);
    const parts = g.split(host, [B * shape.numDense, B * F, B, ...names.map(() => 1)], 0);
    dense = g.reshape(parts[0], [B, shape.numDense]);
    const catF = g.reshape(parts[1], [B, F]);
    cat = g.node('Cast', [catF], { to: 6 /* int32 */ })[0];
    // The id range check runs here rather than on the host (2.4 ms of JS per step at batch 32768):
    // |id − c_f| − h_f > 0 exactly when id ∉ [0, n_f − 1], with c_f = h_f = (n_f − 1)/2 (exact in float32).
    const half = g.initializer('id_half_range', 'float32', [F], Float32Array.from(shape.tableSizes, (n) => (n - 1) / 2));
    const outside = g.sub(g.abs(g.sub(catF, half)), half);
    // Per row first, then over rows: one ReduceMax of all B·F values ran in one workgroup (0.17 ms at 32768).
    const perRow = g.node('ReduceMax', [outside], { axes: [1], keepdims: 0 })[0];
    badIds = g.node('ReduceMax', [perRow], { keepdims: 0 })[0];
    labels2d = g.reshape(parts[2], [B, 1]);
    names.forEach((n, i) => (scalars[n] = parts[3 + i]));
  } else {
    dense = g.input(IN.dense, [B, shape.numDense]);
    cat = g.input(IN.cat, [B, F], 'int32');
    labels2d = g.unsqueeze(g.input(IN.labels, [B]), [1]);
    for (const n of names) scalars[n] = g.input(n, []);
  }
  const slots = Array.from({ length: optimizer.slots }, (_, s) => s);
  const splitK = (variant?.formulation ?? 'tuned') === 'tuned' ? splitKFor(B, layout.tensors) : [];
  const m = model(g, shape, layout, dense, cat, variant, splitK);
  const paramState = slots.map((s) => g.input(STATE.paramSlot(s), [layout.size]));
  const mask = spec.masked ? g.input(STATE.mask, [layout.size]) : undefined;
  const score = spec.taylor ? g.input(STATE.score, [layout.size]) : undefined;
  const tableState = slots.map((s) => g.input(STATE.tableSlot(s), ['R', D]));

  const loss = bceForward(g, m.logit, labels2d);
  if (badIds === undefined) g.output(loss, OUT.loss, []);
  else if ((variant?.hostOutputs ?? 'one') === 'one') g.output(g.concat([g.reshape(loss, [1]), g.reshape(badIds, [1])], 0), HOST_OUTPUT, [2]);
  else {
    g.output(loss, OUT.loss, []);
    g.output(badIds, BAD_IDS, []);
  }
  const { flat, dEmb } = m.backward(labels2d, scalars[IN.invBatch]);

  // Dense parameters: one flat gradient (a single Concat), one optimizer update over all of it.
  let grad = g.concat(flat, 0);
  if (mask) grad = g.mul(grad, mask);
  if (score) g.output(g.add(g.mul(scalars[IN.taylorDecay], score), g.mul(scalars[IN.taylorKeep], g.abs(g.mul(m.params, grad)))), next(STATE.score), [layout.size]);
  const u = variant?.denseUpdate === 'per-tensor' ? perTensorUpdate(g, optimizer, scalars, layout, m.params, grad, paramState) : optimizer.graphUpdate(g, scalars, m.params, grad, paramState);
  g.output(mask ? g.mul(u.param, mask) : u.param, next(STATE.params), [layout.size]);
  u.state.forEach((v, s) => g.output(v, next(STATE.paramSlot(s)), [layout.size]));
  if (mask) g.output(g.identity(mask), next(STATE.mask), [layout.size]);

  // Embedding rows: the sparse update inside the graph.
  const input: SparseUpdateInput = { table: m.table, state: tableState, rowIds: m.rowIds, emb: m.emb, dEmb, D };
  const rows = shape.tableSizes.reduce((a, b) => a + b, 0);
  const e = resolveEmbeddingUpdate(variant?.embeddingUpdate, optimizer.kind, B * F, rows) === 'full-table' ? fullTableUpdate(g, optimizer, scalars, input) : sparseRowUpdate(g, optimizer, scalars, input);
  g.output(e.table, next(STATE.table), ['R', D]);
  e.state.forEach((v, s) => g.output(v, next(STATE.tableSlot(s)), ['R', D]));
  return g.build();
}

/** The optimizer applied tensor by tensor (the flat vector split, updated piecewise, concatenated again). */
function perTensorUpdate(g: GraphBuilder, optimizer: Optimizer, scalars: Record<string, string>, layout: DenseLayout, params: string, grad: string, state: string[]) {
  const sizes = layout.tensors.map((t) => t.size);
  const [p, gr, st] = [g.split(params, sizes, 0), g.split(grad, sizes, 0), state.map((s) => g.split(s, sizes, 0))];
  const parts = sizes.map((_, i) => optimizer.graphUpdate(g, scalars, p[i], gr[i], st.map((s) => s[i])));
  return { param: g.concat(parts.map((u) => u.param), 0), state: state.map((_, k) => g.concat(parts.map((u) => u.state[k]), 0)) };
}

/** The prototype's embedding update: the summed gradient as a full table, the optimizer over every row. */
function fullTableUpdate(g: GraphBuilder, optimizer: Optimizer, scalars: Record<string, string>, u: SparseUpdateInput) {
  if (optimizer.kind === 'adam') throw new Error("the 'full-table' embedding update is dense Adam, not the engine's lazy Adam; use it with sgd or adagrad");
  const idx = g.reshape(g.node('Expand', [g.unsqueeze(u.rowIds, [2]), g.ints([1, 1, u.D], 'expand_shape')])[0], [-1, u.D]);
  const zeros = g.mul(u.table, g.scalar(0, 'zero'));
  const gradSum = g.node('ScatterElements', [zeros, idx, g.reshape(u.dEmb, [-1, u.D])], { axis: 0, reduction: 'add' })[0];
  const r = optimizer.graphUpdate(g, scalars, u.table, gradSum, u.state);
  return { table: r.param, state: r.state };
}

/** Evaluation: inputs dense, cat, the flat parameters and the table; outputs logit [B, 1] and prob [B]. */
export function buildResidentEvalGraph(shape: DlrmShape, variant?: GraphVariant): Uint8Array {
  const g = new GraphBuilder('dlrm_eval_resident');
  const dense = g.input(IN.dense, ['B', shape.numDense]);
  const cat = g.input(IN.cat, ['B', shape.tableSizes.length], 'int32');
  const m = model(g, shape, residentLayout(shape, variant), dense, cat, variant, []);
  g.output(m.logit, OUT.logit, ['B', 1]);
  g.output(g.reshape(g.sigmoid(m.logit), [-1]), OUT.prob, ['B']);
  return g.build();
}

/** Copies a device tensor of rank `rank` into host memory (onnxruntime-node cannot read a gpu-buffer directly). */
export function buildReadbackGraph(rank: 1 | 2): Uint8Array {
  const g = new GraphBuilder(`readback_rank${rank}`);
  const dims = rank === 1 ? ['n'] : ['r', 'c'];
  g.output(g.identity(g.input('x', dims)), 'y', dims);
  return g.build();
}
