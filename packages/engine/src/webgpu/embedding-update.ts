// The embedding lookup and its sparse optimizer update as graph nodes, so that the tables and their optimizer
// state never leave the device. Rows hit several times in a batch get the sum of their gradients and ONE
// optimizer update, as in the CPU engine (which coalesces in JS) and PyTorch's sparse gradients:
//   1. scatter-add every occurrence's gradient into a zero table-shaped buffer (the sum per row),
//   2. gather that sum back for every occurrence, with the row's current value and optimizer state,
//   3. compute the updated row for every occurrence (duplicates compute identical values),
//   4. scatter the updated rows into copies of the table and its state (duplicates write identical values).
// ScatterElements is used rather than ScatterND: it takes int32 indices, so the batch's ids go up unconverted,
// and onnxruntime's WebGPU kernel for it writes one element per thread.
import type { GraphBuilder } from '@driftprune/onnx';
import type { Optimizer } from '../optim/index.js';

/** cat [B, F] int32 + per-field offsets → rowIds [B, F] int32 and the gathered rows emb [B, F, D]. */
export function embeddingLookup(g: GraphBuilder, table: string, cat: string, offsets: string): { rowIds: string; emb: string } {
  const rowIds = g.add(cat, offsets);
  return { rowIds, emb: g.gather(table, rowIds, 0) };
}

export interface SparseUpdateInput {
  table: string;
  /** Optimizer state tables, each shaped like `table`. */
  state: string[];
  rowIds: string;
  /** The rows as gathered for the forward pass ([B, F, D]): the values the update starts from. */
  emb: string;
  /** ∂loss/∂emb [B, F, D]. */
  dEmb: string;
  D: number;
}

/** Returns the updated table and state tables (new values; the inputs are left as they were). */
export function sparseRowUpdate(g: GraphBuilder, optimizer: Optimizer, scalars: Record<string, string>, u: SparseUpdateInput): { table: string; state: string[] } {
  const { D } = u;
  // Element-wise indices for ScatterElements along axis 0: row id repeated over the D columns, [B·F, D].
  const idx = g.reshape(g.node('Expand', [g.unsqueeze(u.rowIds, [2]), g.ints([1, 1, D], 'expand_shape')])[0], [-1, D]);
  // table·0 rather than ConstantOfShape: onnxruntime places ConstantOfShape (a "shape op") on the CPU, and the
  // 166 MB of zeros then crossed PCIe every step (82 of the first prototype step's 98 ms at batch 4096).
  const zeros = g.mul(u.table, g.scalar(0, 'zero'));
  const gradSum = g.node('ScatterElements', [zeros, idx, g.reshape(u.dEmb, [-1, D])], { axis: 0, reduction: 'add' })[0];
  const grad = g.gather(gradSum, u.rowIds, 0); // [B, F, D], every occurrence sees its row's sum
  const rowState = u.state.map((s) => g.gather(s, u.rowIds, 0));
  const r = optimizer.graphUpdate(g, scalars, u.emb, grad, rowState);
  const scatter = (target: string, rows: string) => g.node('ScatterElements', [target, idx, g.reshape(rows, [-1, D])], { axis: 0 })[0];
  return { table: scatter(u.table, r.param), state: u.state.map((s, k) => scatter(s, r.state[k])) };
}
