// The device-resident trainer: the engine's `webgpu` device. One onnxruntime `run` per step does the forward
// pass, the backward pass and the optimizer update of every parameter, the embedding rows included; all model
// state stays in GPU buffers between steps (outputs `name:next` fed back as inputs, the old buffers disposed), so
// the host uploads only the batch and downloads only the loss. Reading parameters back (getParams, checkpoints,
// export) copies them to the host through a one-node graph.
//
// With `executionProvider: 'cpu'` the very same graphs and state handling run on onnxruntime's CPU execution
// provider: that is how the unit suite checks this trainer on machines without a GPU.
import type { Batch } from '@driftprune/data';
import { f32, i32, type OrtSession, type SessionOptions, type Tensor, type TensorMap } from '@driftprune/onnx';
import type { OptimizerState, Trainer, TrainerOptions } from '../api.js';
import { EngineError } from '../errors.js';
import { IN, OUT, next } from '../graph/names.js';
import { acquireSession, architectureKey, releaseSession } from '../session-cache.js';
import { TrainerBase } from '../trainer-base.js';
import type { DenseLayer, LayerScores, ModelParams } from '../types.js';
import { checkBatch } from './batch.js';
import { packDense, unpackDense, type DenseLayout } from './layout.js';
import {
  buildReadbackGraph,
  buildResidentEvalGraph,
  buildResidentTrainGraph,
  BAD_IDS,
  HOST_OUTPUT,
  hostChunks,
  hostInputLength,
  packedInputsFit,
  resolveEmbeddingUpdate,
  residentLayout,
  residentStateNames,
  scalarNames,
  STATE,
  type GraphVariant,
} from './resident-graph.js';
import { webGpuDeviceProvider } from './select.js';
import { splitTrainGraph } from './split-step.js';

export interface ResidentTrainerOptions extends TrainerOptions {
  /** 'webgpu': state in GPU buffers. 'cpu': the same graphs on the CPU execution provider. Default: setWebGpuDeviceProvider's ('webgpu'). */
  executionProvider?: 'webgpu' | 'cpu';
  /** Options of onnxruntime's WebGPU execution provider, e.g. { validationMode: 'disabled' }. */
  webgpuOptions?: Record<string, string>;
  /** Profile the training session (onnxruntime writes `<prefix>_<date>.json`); `endProfiling()` returns the path. */
  profileFilePrefix?: string;
  /** Slower graph formulations, for measuring what the defaults buy (bench-gpu). */
  graphVariant?: GraphVariant;
  /** Accumulate where each training step's wall time goes (`stepTimes`). */
  timeSteps?: boolean;
  /**
   * Keep the explicit weight transposes out of onnxruntime's Transpose→Gemm fusion: true, false, or 'auto'
   * (default: from batch 16384 up, where the faster plain product outweighs the extra kernels; on an H100 at
   * batch 4096 the fused graph's step was 0.8 ms shorter, at 32768 the unfused one 3.7 ms shorter).
   */
  keepTransposes?: boolean | 'auto';
}

/** Cumulative milliseconds of training steps: host preparation, onnxruntime's run, state hand-over. */
export interface StepTimes {
  steps: number;
  prepareMs: number;
  runMs: number;
  afterMs: number;
}

export interface ResidentTrainer extends Trainer {
  readonly executionProvider: 'webgpu' | 'cpu';
  /** Stops profiling the training session and returns the profile's path (needs `profileFilePrefix`). */
  endProfiling(): string;
  /** Where step time went so far (with `timeSteps`). */
  readonly stepTimes: StepTimes | undefined;
}

// onnxruntime folds Transpose into Gemm/MatMul (transB), and its WebGPU Gemm with a transposed operand ran ~3×
// slower than the plain product on an H100: the tuned formulation keeps its explicit weight transposes.
const KEEP_TRANSPOSES = { 'optimization.disable_specified_optimizers': 'GemmTransposeFusion;MatmulTransposeFusion' };

export function createResidentTrainer(opts: ResidentTrainerOptions): ResidentTrainer {
  return new DeviceResidentTrainer(opts);
}

const filled = (n: number, v: number) => (v === 0 ? new Float32Array(n) : new Float32Array(n).fill(v));
const onDevice = (t: Tensor) => t.location === 'gpu-buffer';

/** The training step's session, or its two halves (GraphVariant.stepRuns 2; split-step.ts). */
interface TrainSessions {
  key: string;
  session: OrtSession;
  update?: { key: string; session: OrtSession; carried: string[]; forwardInputs: Set<string>; updateInputs: Set<string> };
}

class DeviceResidentTrainer extends TrainerBase implements ResidentTrainer {
  readonly device: 'webgpu' | 'cpu';
  readonly executionProvider: 'webgpu' | 'cpu';
  private layout!: DenseLayout;
  private layerNames: string[] = [];
  private maskedLayers = new Set<string>();
  /** The current value of every resident tensor (host tensors until the first step, device buffers after). */
  private state = new Map<string, Tensor>();
  private stateNames: string[] = [];
  private sessions: { key: string; session: OrtSession }[] = [];
  /** Training graphs are built per batch size (a stream has one, plus a shorter last batch per window). */
  private trainSessions = new Map<number, TrainSessions>();
  private lastTrain: OrtSession | undefined;
  private trainKey = '';
  private trainOptions!: SessionOptions;
  private masked = false;
  private host = new Map<number, Float32Array>();
  private evalSession!: OrtSession;
  private readback!: [OrtSession, OrtSession];
  private scalars = new Map<string, Tensor>();
  private readonly sessionOptions: SessionOptions;
  private readonly profiling: boolean;
  private readonly variant: GraphVariant | undefined;
  readonly stepTimes: StepTimes | undefined;
  private readonly keepTransposes: boolean | 'auto';

  constructor(o: ResidentTrainerOptions) {
    const ep = o.executionProvider ?? webGpuDeviceProvider();
    if (ep !== 'webgpu' && ep !== 'cpu') throw new EngineError('BAD_DEVICE', `executionProvider must be 'webgpu' or 'cpu', got '${String(ep)}'`);
    super(o);
    this.executionProvider = ep;
    this.device = ep;
    const threads = this.threads;
    this.stepTimes = o.timeSteps ? { steps: 0, prepareMs: 0, runMs: 0, afterMs: 0 } : undefined;
    this.keepTransposes = o.keepTransposes ?? 'auto';
    this.sessionOptions = {
      threads,

      executionProviders: ep === 'webgpu' ? [{ name: 'webgpu', ...(o.webgpuOptions ?? {}) }] : ['cpu'],
    };
    this.profiling = !!o.profileFilePrefix;
    this.variant = o.graphVariant;
    this.install(TrainerBase.startParams(o), o.optimizerState, 0, undefined, o.profileFilePrefix);
  }

  // ---- state ---------------------------------------------------------------------------------------------------

  private setState(name: string, t: Tensor): void {
    const old = this.state.get(name);
    if (old && old !== t && onDevice(old)) old.dispose();
    this.state.set(name, t);
  }

  private clearState(): void {
    for (const t of this.state.values()) if (onDevice(t)) t.dispose();
    this.state.clear();
  }

  /** Takes `params` (validated) as the current state; optimizer slots come from `saved` where shapes match. */
  protected override install(params: ModelParams, saved: OptimizerState | undefined, step: number, scores?: LayerScores, profileFilePrefix?: string): void {
    const shape = structuredClone(params.shape);
    const layout = residentLayout(shape, this.variant);
    const layers = [...params.bottom, ...params.top];
    const byName = new Map(layers.map((l) => [l.name, l]));
    const init = this.opt.initialState(this.optConfig);
    const usable = saved && saved.kind === this.opt.kind ? saved : undefined;
    this.maskedLayers = new Set(layers.filter((l) => l.mask).map((l) => l.name));
    const masked = this.maskedLayers.size > 0;
    const taylor = this.taylorDecay !== undefined;

    const flatParams = packDense(layout, (layer, kind) => {
      const l = byName.get(layer)!;
      if (kind === 'b') return l.b;
      return l.mask ? l.W.map((w, k) => w * l.mask![k]) : l.W;
    });
    const slot = (s: number) =>
      packDense(layout, (layer, kind) => {
        const src = usable?.layers[layer]?.[kind]?.[s];
        const n = kind === 'W' ? byName.get(layer)!.W.length : byName.get(layer)!.b.length;
        return src && src.length === n ? src : filled(n, init[s]);
      });
    const rows = params.embeddings.length;

    this.clearState();
    this.shape = shape;
    this.layout = layout;
    this.layerNames = layers.map((l) => l.name);
    this.stateNames = residentStateNames({ optimizer: this.opt, masked, taylor });
    this.setState(STATE.params, f32(flatParams, [layout.size]));
    for (let s = 0; s < this.opt.slots; s++) {
      this.setState(STATE.paramSlot(s), f32(slot(s), [layout.size]));
      const src = usable?.embeddings[s];
      this.setState(STATE.tableSlot(s), f32(src && src.length === rows ? src.slice() : filled(rows, init[s]), [rows / shape.embeddingDim, shape.embeddingDim]));
    }
    if (masked) {
      const ones = (n: number) => new Float32Array(n).fill(1);
      this.setState(STATE.mask, f32(packDense(layout, (layer, kind) => (kind === 'W' ? (byName.get(layer)!.mask ?? ones(byName.get(layer)!.W.length)) : ones(byName.get(layer)!.b.length))), [layout.size]));
    }
    if (taylor) {
      this.setState(
        STATE.score,
        f32(packDense(layout, (layer, kind) => {
          const n = kind === 'W' ? byName.get(layer)!.W.length : byName.get(layer)!.b.length;
          const src = kind === 'W' ? scores?.[layer] : undefined;
          return src && src.length === n ? src : new Float32Array(n);
        }), [layout.size]),
      );
    }
    this.setState(STATE.table, f32(params.embeddings.slice(), [rows / shape.embeddingDim, shape.embeddingDim]));
    this.step = usable ? usable.step : step;
    this.bindSessions(masked, taylor, profileFilePrefix);
  }

  private releaseSessions(): void {
    for (const s of [...this.sessions, ...this.trainSessions.values()]) releaseSession(s.key);
    for (const s of this.trainSessions.values()) if (s.update) releaseSession(s.update.key);
    this.sessions = [];
    this.trainSessions.clear();
    this.lastTrain = undefined;
    this.host.clear();
  }

  private bindSessions(masked: boolean, taylor: boolean, profileFilePrefix?: string): void {
    this.releaseSessions();
    const shape = this.shape;
    const arch = `${architectureKey(shape)}|${JSON.stringify(shape.tableSizes)}|${JSON.stringify(this.variant ?? {})}`;
    this.masked = masked;
    this.trainKey = `resident-train|${arch}|${this.opt.kind}|masked=${masked}|taylor=${taylor}${profileFilePrefix ? `|profile=${profileFilePrefix}` : ''}`;
    const gpu = this.executionProvider === 'webgpu';
    // Every updated state tensor stays on the device; the outputs not named here (loss, bad-id flag) come back.
    const location = gpu ? { preferredOutputLocation: { ...Object.fromEntries(this.stateNames.map((n) => [next(n), 'gpu-buffer' as const])) } } : {};
    this.trainOptions = { ...this.sessionOptions, ...location, ...(profileFilePrefix ? { profileFilePrefix } : {}) };
    const e = acquireSession(`resident-eval|${arch}`, this.sessionOptions, () => buildResidentEvalGraph(shape, this.variant));
    const r1 = acquireSession('resident-readback|1', this.sessionOptions, () => buildReadbackGraph(1));
    const r2 = acquireSession('resident-readback|2', this.sessionOptions, () => buildReadbackGraph(2));
    this.sessions = [e, r1, r2];
    this.evalSession = e.session;
    this.readback = [r1.session, r2.session];
  }

  /** The training session for batch size B (built on first use; the four most recent sizes are kept). */
  private trainFor(B: number, hostOutputs: string[]): TrainSessions {
    let t = this.trainSessions.get(B);
    if (t) {
      this.trainSessions.delete(B); // re-insert: most recent last
    } else {
      const spec = { shape: this.shape, optimizer: this.opt, masked: this.masked, taylor: this.taylorDecay !== undefined, batch: B, variant: this.graphVariantFor(B) };
      const keep = this.keepTransposes === 'auto' ? B >= 16384 : this.keepTransposes;
      const options = keep ? { ...this.trainOptions, config: KEEP_TRANSPOSES } : this.trainOptions;
      if ((this.variant?.stepRuns ?? 2) === 2) {
        const cut = splitTrainGraph(buildResidentTrainGraph(spec), hostOutputs);
        const gpu = this.executionProvider === 'webgpu';
        // Carried values stay on the device between the two runs; the update run's outputs are all state.
        const fwdOptions = gpu ? { ...options, preferredOutputLocation: Object.fromEntries(cut.carried.map((c) => [c, 'gpu-buffer' as const])) } : options;
        const f = acquireSession(`${this.trainKey}|B=${B}|forward`, fwdOptions, () => cut.forward);
        const u = acquireSession(`${this.trainKey}|B=${B}|update`, options, () => cut.update);
        t = { ...f, update: { ...u, carried: cut.carried, forwardInputs: new Set(cut.forwardInputs), updateInputs: new Set(cut.updateInputs) } };
      } else t = acquireSession(`${this.trainKey}|B=${B}`, options, () => buildResidentTrainGraph(spec));
      if (this.trainSessions.size >= 4) {
        const [oldB, old] = this.trainSessions.entries().next().value!;
        releaseSession(old.key);
        if (old.update) releaseSession(old.update.key);
        this.trainSessions.delete(oldB);
        this.host.delete(oldB);
      }
    }
    this.trainSessions.set(B, t);
    this.lastTrain = t.session;
    return t;
  }

  /** The variant with host inputs unpacked where ids could not travel exactly as float32. */
  private packedVariant(): GraphVariant {
    const v = this.variant ?? {};
    return (v.hostInputs ?? 'packed') === 'packed' && !packedInputsFit(this.shape) ? { ...v, hostInputs: 'separate' } : v;
  }

  /** The training graph's variant at batch size B (the embedding update's 'auto' resolved). */
  private graphVariantFor(B: number): GraphVariant {
    const v = this.packedVariant();
    const rows = this.shape.tableSizes.reduce((a, b) => a + b, 0);
    return { ...v, embeddingUpdate: resolveEmbeddingUpdate(v.embeddingUpdate, this.opt.kind, B * this.shape.tableSizes.length, rows) };
  }

  /** The host value of a resident tensor (a fresh copy the caller owns). */
  private read(name: string): Float32Array {
    const t = this.state.get(name);
    if (!t) throw new EngineError('BAD_PARAMS', `no resident tensor '${name}'`);
    if (!onDevice(t)) return (t.data as Float32Array).slice();
    const session = this.readback[t.dims.length === 1 ? 0 : 1];
    return session.run({ x: t }, { y: null }).y.data as Float32Array;
  }

  private scalar(name: string, value: number): Tensor {
    let t = this.scalars.get(name);
    if (!t) this.scalars.set(name, (t = f32(new Float32Array(1), [])));
    (t.data as Float32Array)[0] = value;
    return t;
  }

  private batchFeeds(batch: Batch, B: number): Record<string, Tensor> {
    const nd = this.shape.numDense;
    const F = this.shape.tableSizes.length;
    return {
      [IN.dense]: f32(batch.dense.length === B * nd ? batch.dense : batch.dense.subarray(0, B * nd), [B, nd]),
      [IN.cat]: i32(batch.cat.length === B * F ? batch.cat : batch.cat.subarray(0, B * F), [B, F]),
      [STATE.params]: this.state.get(STATE.params)!,
      [STATE.table]: this.state.get(STATE.table)!,
    };
  }

  // ---- training and evaluation ---------------------------------------------------------------------------------

  trainStep(batch: Batch): number {
    this.check();
    const t0 = this.stepTimes ? performance.now() : 0;
    const packed = (this.packedVariant().hostInputs ?? 'packed') === 'packed';
    // Packed steps check ids on the device (BAD_IDS) and roll back below; the others check them here.
    const B = checkBatch(this.shape, batch, true, !packed);
    const t = this.step + 1;
    const taylor = this.taylorDecay !== undefined;
    const values = [1 / B, ...this.opt.scalarValues(this.optConfig, t), ...(taylor ? [this.taylorDecay!, 1 - this.taylorDecay!] : [])];
    const feeds: Record<string, Tensor> = {};
    if (packed) Object.assign(feeds, this.packHost(batch, B, values));
    else {
      const nd = this.shape.numDense;
      const F = this.shape.tableSizes.length;
      feeds[IN.dense] = f32(batch.dense.length === B * nd ? batch.dense : batch.dense.subarray(0, B * nd), [B, nd]);
      feeds[IN.cat] = i32(batch.cat.length === B * F ? batch.cat : batch.cat.subarray(0, B * F), [B, F]);
      feeds[IN.labels] = f32(batch.labels.length === B ? batch.labels : batch.labels.subarray(0, B), [B]);
      scalarNames(this.opt, taylor).forEach((n, i) => (feeds[n] = this.scalar(n, values[i])));
    }
    // Packed graphs return the loss and the bad-id flag in one vector (one device→host copy) unless asked not to.
    const one = packed && (this.variant?.hostOutputs ?? 'one') === 'one';
    const hostFetches: Record<string, null> = one ? { [HOST_OUTPUT]: null } : { [OUT.loss]: null, ...(packed ? { [BAD_IDS]: null } : {}) };
    const fetches: Record<string, null> = { ...hostFetches };
    for (const n of this.stateNames) {
      feeds[n] = this.state.get(n)!;
      fetches[next(n)] = null;
    }
    const sessions = this.trainFor(B, Object.keys(hostFetches));
    const t1 = this.stepTimes ? performance.now() : 0;
    const out = sessions.update ? this.runSplit(sessions, feeds, hostFetches) : sessions.session.run(feeds, fetches);
    const t2 = this.stepTimes ? performance.now() : 0;
    const [loss, badIds] = one ? (out[HOST_OUTPUT].data as Float32Array) : [(out[OUT.loss].data as Float32Array)[0], packed ? (out[BAD_IDS].data as Float32Array)[0] : 0];
    if (badIds > 0) {
      // Some id was out of range: drop this step's outputs (the state stays as it was) and name the culprit.
      for (const n of this.stateNames) if (out[next(n)] && onDevice(out[next(n)])) out[next(n)].dispose();
      checkBatch(this.shape, batch, true, true);
      throw new EngineError('BAD_BATCH', 'an id lies outside its table');
    }
    for (const n of this.stateNames) this.setState(n, out[next(n)]);
    this.step = t;
    if (this.stepTimes) {
      const st = this.stepTimes;
      st.steps++;
      st.prepareMs += t1 - t0;
      st.runMs += t2 - t1;
      st.afterMs += performance.now() - t2;
    }
    return loss;
  }

  /**
   * The step as two runs: forward (host outputs and the carried values), then, unless an id was bad, the update
   * (state outputs only; it returns before the GPU is done). Returns the one-run step's outputs; after a bad id
   * the state outputs are absent and the carried values are already released.
   */
  private runSplit(t: TrainSessions, feeds: Record<string, Tensor>, hostFetches: Record<string, null>): TensorMap {
    const u = t.update!;
    const pick = (names: Set<string>) => Object.fromEntries(Object.entries(feeds).filter(([k]) => names.has(k)));
    const first = t.session.run(pick(u.forwardInputs), { ...hostFetches, ...Object.fromEntries(u.carried.map((c) => [c, null])) });
    const flag = first[HOST_OUTPUT] ?? first[BAD_IDS];
    const bad = flag !== undefined && (flag.data as Float32Array)[flag === first[HOST_OUTPUT] ? 1 : 0] > 0;
    const carried = Object.fromEntries(u.carried.map((c) => [c, first[c]]));
    const second = bad ? {} : u.session.run({ ...pick(u.updateInputs), ...carried }, Object.fromEntries(this.stateNames.map((n) => [next(n), null])));
    for (const c of u.carried) if (onDevice(first[c])) first[c].dispose();
    const out: TensorMap = { ...second };
    for (const k of Object.keys(hostFetches)) out[k] = first[k];
    return out;
  }

  /** The batch and the step's scalars as one float32 vector, fed as one input or a few pieces (hostChunks). */
  private packHost(batch: Batch, B: number, scalars: number[]): Record<string, Tensor> {
    const nd = this.shape.numDense;
    const F = this.shape.tableSizes.length;
    const n = hostInputLength(this.shape, B, scalars.length);
    let buf = this.host.get(B);
    if (!buf) this.host.set(B, (buf = new Float32Array(n)));
    buf.set(batch.dense.length === B * nd ? batch.dense : batch.dense.subarray(0, B * nd), 0);
    // Ids travel as float32 (exact below 2^24, see packedInputsFit); TypedArray.set converts natively. The graph
    // checks their ranges (BAD_IDS).
    buf.set(batch.cat.length === B * F ? batch.cat : batch.cat.subarray(0, B * F), B * nd);
    buf.set(batch.labels.length === B ? batch.labels : batch.labels.subarray(0, B), B * (nd + F));
    buf.set(scalars, B * (nd + F + 1));
    const feeds: Record<string, Tensor> = {};
    let at = 0;
    for (const c of hostChunks(n, this.variant?.hostChunkBytes)) {
      feeds[c.name] = f32(at === 0 && c.length === n ? buf : buf.subarray(at, at + c.length), [c.length]);
      at += c.length;
    }
    return feeds;
  }

  protected override forward(batch: Batch, output: 'prob' | 'logit'): Float32Array {
    this.check();
    const B = checkBatch(this.shape, batch, false);
    const out = this.evalSession.run(this.batchFeeds(batch, B), { [output]: null });
    return (out[output].data as Float32Array).slice(0, B);
  }

  // ---- parameters, masks, scores -------------------------------------------------------------------------------

  override getParams(): ModelParams {
    this.check();
    const dense = unpackDense(this.layout, this.read(STATE.params));
    const masks = this.maskedLayers.size > 0 ? unpackDense(this.layout, this.read(STATE.mask)) : undefined;
    const nBottom = this.shape.bottom.length - 1;
    const layers: DenseLayer[] = this.layerNames.map((name) => {
      const { W, b } = dense.get(name)!;
      const mask = this.maskedLayers.has(name) ? masks!.get(name)!.W : undefined;
      return { name, inDim: W.length / b.length, outDim: b.length, W, b, ...(mask ? { mask } : {}) };
    });
    return { shape: structuredClone(this.shape), bottom: layers.slice(0, nBottom), top: layers.slice(nBottom), embeddings: this.read(STATE.table) };
  }

  override getOptimizerState(): OptimizerState {
    this.check();
    const slots = Array.from({ length: this.opt.slots }, (_, s) => unpackDense(this.layout, this.read(STATE.paramSlot(s))));
    const layers: OptimizerState['layers'] = {};
    for (const name of this.layerNames) layers[name] = { W: slots.map((m) => m.get(name)!.W), b: slots.map((m) => m.get(name)!.b) };
    const embeddings = Array.from({ length: this.opt.slots }, (_, s) => this.read(STATE.tableSlot(s)));
    return { kind: this.opt.kind, step: this.step, layers, embeddings };
  }

  override getTaylorScores(): LayerScores {
    this.check();
    if (this.taylorDecay === undefined) return {};
    const flat = unpackDense(this.layout, this.read(STATE.score));
    return Object.fromEntries(this.layerNames.map((n) => [n, flat.get(n)!.W]));
  }

  resetTaylorScores(): void {
    if (this.taylorDecay === undefined) return;
    this.setState(STATE.score, f32(new Float32Array(this.layout.size), [this.layout.size]));
  }

  // ---- profiling -----------------------------------------------------------------------------------------------

  endProfiling(): string {
    if (!this.profiling || !this.lastTrain) throw new EngineError('BAD_DEVICE', 'endProfiling needs a trainer created with profileFilePrefix that has trained');
    return this.lastTrain.endProfiling();
  }

  dispose(): void {
    if (this.disposed) return;
    this.clearState();
    this.releaseSessions();
    this.disposed = true;
  }
}
