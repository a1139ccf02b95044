// What every optimizer provides: its dense update as ONNX nodes (run inside the training graph) and the same
// update on embedding rows in JS (only the rows of the batch: a sparse update), side by side.
import type { GraphBuilder } from '@driftprune/onnx';
import type { OptimizerConfig } from '@driftprune/config';

export type OptimizerKind = OptimizerConfig['kind'];

export interface Optimizer {
  kind: OptimizerKind;
  /** State tensors per parameter (Adagrad: 1 accumulator, Adam: m and v, SGD: 0). */
  slots: number;
  /** Names of the scalar hyperparameter inputs of the graph, in order. */
  scalars: readonly string[];
  /** Values of those scalars for the step about to run (`step` counts from 1). */
  scalarValues(cfg: OptimizerConfig, step: number): number[];
  /** Emits the update of one parameter; `s` maps scalar names to graph values. Returns the new param and state. */
  graphUpdate(g: GraphBuilder, s: Record<string, string>, param: string, grad: string, state: string[]): { param: string; state: string[] };
  /** Updates rows `rows[0..count)` of `table` with their coalesced gradients `grads` ([count, D]); entries with a negative row are skipped. */
  sparseUpdate(cfg: OptimizerConfig, step: number, table: Float32Array, state: Float32Array[], D: number, rows: Int32Array, grads: Float32Array, count: number): void;
  /** Initial value of each state slot. */
  initialState(cfg: OptimizerConfig): number[];
}
