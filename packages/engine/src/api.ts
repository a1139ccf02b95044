// The engine's public types: what the experiment runner, pruning and the worker program against.
import type { OptimizerConfig } from '@driftprune/config';
import type { Batch } from '@driftprune/data';
import type { DlrmShape, LayerScores, ModelParams } from './types.js';

export type Device = 'cpu' | 'webgpu' | 'auto';

/** Optimizer state in the parameters' own layouts (W layout for weights), so pruning can slice it. */
export interface OptimizerState {
  kind: OptimizerConfig['kind'];
  /** Optimizer steps taken (Adam's bias correction uses it). */
  step: number;
  /** Per dense layer: Adagrad `{ W: [acc], b: [acc] }`, Adam `{ W: [m, v], b: [m, v] }`, SGD `{ W: [], b: [] }`. */
  layers: Record<string, { W: Float32Array[]; b: Float32Array[] }>;
  /** Embedding state, each sum(tableSizes) × embeddingDim: Adagrad [acc], Adam [m, v], SGD []. */
  embeddings: Float32Array[];
}

export interface TrainerOptions {
  /** Start from these parameters (any hidden widths; masks honoured). Either `params` or `shape` is required. */
  params?: ModelParams;
  /** Start from a fresh DLRM initialisation of this shape. */
  shape?: DlrmShape;
  /** Seed of the initialisation (with `shape`). Default 1. */
  seed?: number;
  /** zod-parsed `optimizer` config (kind, lr, eps, initialAccumulator, beta1, beta2); defaults filled in. */
  optimizer?: Partial<OptimizerConfig>;
  /** Optimizer state to continue from; layers whose shapes match are taken, the others start fresh. */
  optimizerState?: OptimizerState;
  /** 'cpu' (onnxruntime CPU EP), 'webgpu' (state resident on the GPU; BAD_DEVICE without an adapter), 'auto' (webgpu when an adapter answers, else cpu with a log line). */
  device?: Device;
  /** Where the 'auto' fallback line goes (default console.warn). */
  log?: (line: string) => void;
  /** onnxruntime intra-op threads; 0 = one per core. */
  threads?: number;
  /** Unstructured masks by layer name (same layout as W); they override `DenseLayer.mask`. */
  masks?: Record<string, Float32Array>;
  /**
   * Update embedding rows on a worker thread, overlapped with the next step (bit-identical results).
   * 'auto' (default): only when the tables hold ≥ 2^20 values, where it pays for the thread.
   */
  overlap?: boolean | 'auto';
  /** Accumulate Taylor importance: score ← decay·score + (1 − decay)·|w·∂L/∂w| every step. */
  taylor?: { decay: number };
}

export interface Trainer {
  readonly shape: DlrmShape;
  readonly device: 'cpu' | 'webgpu';
  readonly threads: number;
  /** Optimizer steps taken so far. */
  readonly step: number;
  /** One optimizer step on the batch; returns the batch's mean binary cross-entropy before the update. */
  trainStep(batch: Batch): number;
  /** Click probabilities, one per row. The returned array is fresh (the caller owns it). */
  predict(batch: Batch): Float32Array;
  /** Mean log loss of the batch under the current parameters (no update). */
  evalLoss(batch: Batch): number;
  /** A copy of the current parameters (W out × in row-major; masks included). */
  getParams(): ModelParams;
  /** Replaces the parameters (widths may change: another graph is built or taken from the cache). */
  setParams(params: ModelParams, o?: { keepOptimizerState?: boolean }): void;
  /** A copy of the optimizer state. */
  getOptimizerState(): OptimizerState;
  /** Sets or clears unstructured masks (by layer name); masked weights are zeroed at once. */
  setMasks(masks: Record<string, Float32Array | undefined>): void;
  /** Accumulated Taylor scores by layer name (copies); empty unless `taylor` was enabled. */
  getTaylorScores(): LayerScores;
  resetTaylorScores(): void;
  /** Everything needed to resume exactly: params, masks, optimizer state, Taylor scores, step. Writes `path` when given. */
  saveCheckpoint(path?: string): Uint8Array;
  /** Restores a checkpoint (bytes or a file path); the shape may differ from the current one. */
  loadCheckpoint(source: Uint8Array | string): void;
  /** A standalone forward-only ONNX model with the current weights (inputs `dense` f32 [B,numDense], `cat` i32 [B,F]; output `prob` [B]). */
  exportServingModel(): Uint8Array;
  dispose(): void;
}
