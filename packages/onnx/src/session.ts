// onnxruntime-node sessions with a synchronous run.
// onnxruntime-node's public `InferenceSession.run` wraps a native call that already runs synchronously on the JS
// thread in a Promise + setImmediate. Training calls run once per mini-batch, so the engine talks to the same
// native session directly: no microtask hop, and callers get `trainStep(batch): number`.
import { createRequire } from 'node:module';
import { Tensor } from 'onnxruntime-common';

const require = createRequire(import.meta.url);

export { Tensor };
export type TensorMap = Record<string, Tensor>;

interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: TensorMap, fetches: Record<string, Tensor | null>, options: object): Record<string, Tensor | { type: string; data: ArrayBufferView; dims: number[] }>;
  dispose(): void;
  endProfiling(): string;
  inputMetadata: { name: string }[];
  outputMetadata: { name: string }[];
}

let native: { binding: { InferenceSession: new () => NativeSession }; initOrt: () => void } | undefined;
function nativeBinding() {
  native ??= require('onnxruntime-node/dist/binding.js');
  native!.initOrt();
  return native!.binding;
}

export interface SessionOptions {
  /** Intra-op threads (0 = onnxruntime's default, one per core). */
  threads?: number;
  /** 'all' (default) or 'basic'; 'disabled' keeps the graph exactly as written. */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** 'cpu' (default), 'webgpu', or an execution provider with options, e.g. { name: 'webgpu', validationMode: 'disabled' }. */
  executionProviders?: (string | { name: string; [option: string]: unknown })[];
  /** Where each output is left ('cpu' or 'gpu-buffer'); a gpu-buffer output can be fed back as an input, never read. */
  preferredOutputLocation?: 'cpu' | 'gpu-buffer' | Record<string, 'cpu' | 'gpu-buffer'>;
  /** Writes onnxruntime's per-node profile (Chrome trace JSON) to `<prefix>_<date>.json`; see `endProfiling()`. */
  profileFilePrefix?: string;
  /** onnxruntime's log level for this session: 0 verbose … 4 fatal (default 2, warnings). */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /** Session config entries, e.g. { 'optimization.disable_specified_optimizers': 'GemmTransposeFusion' }. */
  config?: Record<string, string>;
  /**
   * Whether idle intra-op threads busy-wait for the next parallel region (onnxruntime's default). Off by default:
   * a run holds several sessions (each model's training and prediction graphs, a dense and a pruned model), each
   * with its own thread pool, and one session's spinning threads steal the cores another session is running on.
   * Measured (docs/performance.md § Whole runs): a prune_once run 2.0× a dense run's wall time with spinning, 1.4×
   * without; a dense run itself no slower.
   */
  spinWait?: boolean;
}

/** What onnxruntime-node's native loadModel is given for `options` (exported for its test). */
export function nativeLoadOptions(options: SessionOptions, threads: number): Record<string, unknown> {
  const spin = options.spinWait ? '1' : '0';
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: options.optimization ?? 'all',
    executionProviders: options.executionProviders ?? ['cpu'],
    ...(options.preferredOutputLocation ? { preferredOutputLocation: options.preferredOutputLocation } : {}),
    ...(options.profileFilePrefix ? { enableProfiling: true, profileFilePrefix: options.profileFilePrefix } : {}),
    ...(options.logSeverityLevel !== undefined ? { logSeverityLevel: options.logSeverityLevel } : {}),
    // Session config entries (flat keys); explicit `config` entries win.
    extra: { 'session.intra_op.allow_spinning': spin, 'session.inter_op.allow_spinning': spin, ...options.config },
  };
}

export class OrtSession {
  readonly inputNames: string[];
  readonly outputNames: string[];
  private session: NativeSession | undefined;

  constructor(model: Uint8Array, readonly options: SessionOptions = {}) {
    const s = new (nativeBinding().InferenceSession)();
    const threads = options.threads ?? 0;
    if (!Number.isInteger(threads) || threads < 0) throw new Error(`threads must be an integer ≥ 0, got ${threads}`);
    s.loadModel(model.buffer, model.byteOffset, model.byteLength, nativeLoadOptions(options, threads));
    this.session = s;
    this.inputNames = s.inputMetadata.map((m) => m.name);
    this.outputNames = s.outputMetadata.map((m) => m.name);
  }

  /**
   * Runs the graph synchronously. `fetches` maps output names to preallocated tensors (written in place) or null
   * (onnxruntime allocates). Returns every fetched output as a Tensor.
   */
  run(feeds: TensorMap, fetches: Record<string, Tensor | null>): TensorMap {
    if (!this.session) throw new Error('this onnxruntime session was disposed');
    const out = this.session.run(feeds, fetches, {});
    const result: TensorMap = {};
    for (const k of Object.keys(out)) {
      const v = out[k];
      // gpu-buffer outputs come back as tensors of the binding's own onnxruntime-common: pass them through.
      const onDevice = (v as { location?: string }).location === 'gpu-buffer';
      result[k] = v instanceof Tensor || onDevice ? (v as Tensor) : new Tensor(v.type as 'float32', v.data as Float32Array, v.dims);
    }
    return result;
  }

  /** Stops profiling (sessions made with `profileFilePrefix`) and returns the profile file's path. */
  endProfiling(): string {
    if (!this.session) throw new Error('this onnxruntime session was disposed');
    return this.session.endProfiling();
  }

  dispose(): void {
    this.session?.dispose();
    this.session = undefined;
  }
}

/** Float32 tensor over an existing array (no copy). */
export function f32(data: Float32Array, dims: readonly number[]): Tensor {
  return new Tensor('float32', data, dims);
}
/** Float64 tensor over an existing array (no copy). */
export function f64(data: Float64Array, dims: readonly number[]): Tensor {
  return new Tensor('float64', data, dims);
}
/** Int32 tensor over an existing array (no copy). */
export function i32(data: Int32Array, dims: readonly number[]): Tensor {
  return new Tensor('int32', data, dims);
}
