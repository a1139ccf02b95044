// The CPU trainer: one onnxruntime `run` per step (forward, backward, dense optimizer update), embedding rows
// gathered before and updated sparsely after, in JS. Every state tensor has two preallocated buffers (ping-pong):
// a step reads one and onnxruntime writes the other in place, so steady-state training allocates nothing.
import type { Batch } from '@driftprune/data';
import { f32, type OrtSession, type Tensor } from '@driftprune/onnx';
import type { OptimizerState, Trainer, TrainerOptions } from './api.js';
import { EngineError } from './errors.js';
import { buildPredictGraph } from './graph/forward-graph.js';
import { IN, OUT, biasName, maskName, next, scoreName, stateName, weightName } from './graph/names.js';
import { buildTrainGraph } from './graph/train-graph.js';
import { checkIds, gatherRows, RowGradCoalescer, RowSet } from './layers/embedding.js';
import { DeferredRowUpdates, sharedF32 } from './overlap/deferred-rows.js';
import { acquireSession, architectureKey, releaseSession } from './session-cache.js';
import { tableOffsets } from './shape.js';
import { TrainerBase } from './trainer-base.js';
import { createResidentTrainer } from './webgpu/trainer.js';
import { resolveDevice } from './webgpu/select.js';
import type { DenseLayer, LayerScores, ModelParams } from './types.js';

/** A value held twice: index `parity` is current, the other is written by the next step. */
type PingPong = [Float32Array, Float32Array];

interface LayerState {
  name: string;
  inDim: number;
  outDim: number;
  W: PingPong;
  b: PingPong;
  /** Optimizer slots of W and b. */
  Ws: PingPong[];
  bs: PingPong[];
  mask?: Float32Array;
  score?: PingPong;
}

interface BatchBuffers {
  emb: Float32Array;
  embT: Tensor;
  embGrad: Float32Array;
  embGradT: Tensor;
}

const pair = (a: Float32Array): PingPong => [a, new Float32Array(a.length)];
const filled = (n: number, v: number) => (v === 0 ? new Float32Array(n) : new Float32Array(n).fill(v));

export function createTrainer(opts: TrainerOptions): Trainer {
  if (opts.device === 'webgpu' || opts.device === 'auto') {
    if (resolveDevice(opts.device, opts.log) === 'webgpu') return createResidentTrainer(opts);
    return new CpuTrainer({ ...opts, device: 'cpu' });
  }
  return new CpuTrainer(opts);
}

class CpuTrainer extends TrainerBase implements Trainer {
  readonly device = 'cpu' as const;
  private layers: LayerState[] = [];
  private embeddings!: Float32Array;
  private embState: Float32Array[] = [];
  private offsets!: Int32Array;
  private coalescer!: RowGradCoalescer;
  private parity = 0;
  private train?: { key: string; session: OrtSession; feeds: Record<string, Tensor>[]; fetches: Record<string, Tensor | null>[] };
  private predictSession?: { key: string; session: OrtSession };
  private batchBuffers = new Map<number, BatchBuffers>();
  private scalars = new Map<string, Float32Array>();
  /** Worker that applies embedding-row updates off the critical path (see overlap/deferred-rows.ts). */
  private deferred?: DeferredRowUpdates;
  private readonly overlap: boolean | 'auto';
  /** Optimizer step whose embedding update is still pending in the coalescer (overlap mode). */
  private pendingStep: number | undefined;
  private batchRows = new RowSet();
  private coalescerShared = false;
  private urgent: { rows: Int32Array; grads: Float32Array } = { rows: new Int32Array(0), grads: new Float32Array(0) };

  constructor(o: TrainerOptions) {
    const device = o.device ?? 'cpu';
    if (device === 'webgpu') throw new EngineError('BAD_DEVICE', "device 'webgpu' needs the WebGPU training path (issue 8); this engine runs device 'cpu' (or 'auto')");
    if (device !== 'cpu' && device !== 'auto') throw new EngineError('BAD_DEVICE', `unknown device '${String(device)}': use 'cpu' or 'auto'`);
    super(o);
    this.overlap = o.overlap ?? 'auto';
    this.install(TrainerBase.startParams(o), o.optimizerState, 0);
  }

  // ---- state ---------------------------------------------------------------------------------------------------

  /** Takes `params` (already validated) as the current state; optimizer slots come from `state` where shapes match. */
  protected override install(params: ModelParams, state: OptimizerState | undefined, step: number, scores?: LayerScores): void {
    // The tables are replaced below, so a pending row update of the old ones is dropped (callers that keep
    // the tables pass them in through getParams(), which flushes first).
    this.deferred?.wait();
    this.pendingStep = undefined;
    const init = this.opt.initialState(this.optConfig);
    const usable = state && state.kind === this.opt.kind ? state : undefined;
    const slot = (src: Float32Array[] | undefined, n: number, s: number) =>
      pair(src && src[s] && src[s].length === n ? src[s].slice() : filled(n, init[s]));
    this.layers = [...params.bottom, ...params.top].map((l) => {
      const saved = usable?.layers[l.name];
      const W = l.W.slice();
      if (l.mask) for (let k = 0; k < W.length; k++) W[k] *= l.mask[k];
      const score = this.taylorDecay !== undefined ? pair(scores?.[l.name]?.length === W.length ? scores[l.name].slice() : new Float32Array(W.length)) : undefined;
      return {
        name: l.name,
        inDim: l.inDim,
        outDim: l.outDim,
        W: pair(W),
        b: pair(l.b.slice()),
        Ws: Array.from({ length: this.opt.slots }, (_, s) => slot(saved?.W, W.length, s)),
        bs: Array.from({ length: this.opt.slots }, (_, s) => slot(saved?.b, l.b.length, s)),
        mask: l.mask?.slice(),
        score,
      };
    });
    this.shape = structuredClone(params.shape);
    // Worth a thread only when the tables are big enough for their row updates to cost more than a message.
    const overlap = this.overlap === 'auto' ? params.embeddings.length >= 1 << 20 : this.overlap;
    const alloc = (n: number) => (overlap ? sharedF32(n) : new Float32Array(n));
    const copy = (src: Float32Array) => {
      const a = alloc(src.length);
      a.set(src);
      return a;
    };
    const n = params.embeddings.length;
    this.embeddings = copy(params.embeddings);
    this.embState = Array.from({ length: this.opt.slots }, (_, s) => {
      const saved = usable?.embeddings[s];
      if (saved?.length === n) return copy(saved);
      const a = alloc(n);
      if (init[s] !== 0) a.fill(init[s]);
      return a;
    });
    if (!overlap || this.deferred?.opt !== this.opt || this.deferred.D !== params.shape.embeddingDim) {
      this.deferred?.dispose();
      this.deferred = undefined;
    }
    if (overlap) {
      try {
        this.deferred ??= new DeferredRowUpdates(this.opt, params.shape.embeddingDim);
        this.deferred.setup(this.embeddings, this.embState);
      } catch (e) {
        // 'auto' trains sequentially (same results) when no worker can start, e.g. a bundle without the worker file.
        if (this.overlap === true) throw new EngineError('BAD_DEVICE', `overlap: true, but the embedding-update worker could not start: ${e instanceof Error ? e.message : e}`);
        this.deferred = undefined;
      }
    }
    this.offsets = tableOffsets(this.shape);
    // With a worker, coalesced rows live in shared memory: the worker reads them in place.
    const shared = this.deferred !== undefined;
    if (!this.coalescer || this.coalescer.D !== this.shape.embeddingDim || this.coalescerShared !== shared) {
      this.coalescer = shared
        ? new RowGradCoalescer(this.shape.embeddingDim, (n, d) => ({ rows: new Int32Array(new SharedArrayBuffer(n * 4)), grads: sharedF32(n * d) }))
        : new RowGradCoalescer(this.shape.embeddingDim);
      this.coalescerShared = shared;
    }
    this.step = usable ? usable.step : step;
    this.parity = 0;
    this.bindSessions();
  }

  private releaseSessions(): void {
    if (this.train) releaseSession(this.train.key);
    if (this.predictSession) releaseSession(this.predictSession.key);
    this.train = undefined;
    this.predictSession = undefined;
  }

  /** Acquires the graphs for the current architecture and prebuilds the feed/fetch maps of both parities. */
  private bindSessions(): void {
    this.releaseSessions();
    this.batchBuffers.clear();
    const masked = new Set(this.layers.filter((l) => l.mask).map((l) => l.name));
    const taylor = this.taylorDecay !== undefined;
    const arch = architectureKey(this.shape);
    const trainKey = `train|${arch}|${this.opt.kind}|masked=${[...masked].join(',')}|taylor=${taylor}`;
    const shape = this.shape;
    const { key, session } = acquireSession(trainKey, { threads: this.threads }, () => buildTrainGraph({ shape, optimizer: this.opt, masked, taylor }));
    this.predictSession = acquireSession(`predict|${arch}`, { threads: this.threads }, () => buildPredictGraph(shape));

    const scalar = (name: string) => {
      let a = this.scalars.get(name);
      if (!a) this.scalars.set(name, (a = new Float32Array(1)));
      return f32(a, []);
    };
    const feeds: Record<string, Tensor>[] = [{}, {}];
    const fetches: Record<string, Tensor | null>[] = [{}, {}];
    for (const p of [0, 1]) {
      const q = 1 - p;
      const f = feeds[p];
      const out = fetches[p];
      f[IN.invBatch] = scalar(IN.invBatch);
      for (const s of this.opt.scalars) f[s] = scalar(s);
      if (taylor) {
        f[IN.taylorDecay] = scalar(IN.taylorDecay);
        f[IN.taylorKeep] = scalar(IN.taylorKeep);
      }
      for (const l of this.layers) {
        const wd = [l.outDim, l.inDim];
        const bd = [l.outDim];
        const bind = (name: string, pp: PingPong, dims: number[]) => {
          f[name] = f32(pp[p], dims);
          out[next(name)] = f32(pp[q], dims);
        };
        bind(weightName(l.name), l.W, wd);
        bind(biasName(l.name), l.b, bd);
        l.Ws.forEach((pp, s) => bind(stateName(weightName(l.name), s), pp, wd));
        l.bs.forEach((pp, s) => bind(stateName(biasName(l.name), s), pp, bd));
        if (l.mask) f[maskName(l.name)] = f32(l.mask, wd);
        if (l.score) bind(scoreName(l.name), l.score, wd);
      }
      out[OUT.loss] = null;
    }
    this.train = { key, session, feeds, fetches };
  }

  private buffers(B: number): BatchBuffers {
    let b = this.batchBuffers.get(B);
    if (!b) {
      const F = this.shape.tableSizes.length;
      const D = this.shape.embeddingDim;
      const emb = new Float32Array(B * F * D);
      const embGrad = new Float32Array(B * F * D);
      b = { emb, embT: f32(emb, [B, F, D]), embGrad, embGradT: f32(embGrad, [B, F, D]) };
      // A stream has one batch size and a shorter last batch per window: keep a few sizes, not every size seen.
      if (this.batchBuffers.size >= 8) this.batchBuffers.clear();
      this.batchBuffers.set(B, b);
    }
    return b;
  }

  private checkBatch(batch: Batch): number {
    const B = batch?.size;
    if (!Number.isInteger(B) || B <= 0) throw new EngineError('BAD_BATCH', `batch.size must be a positive integer, got ${B}`);
    const F = this.shape.tableSizes.length;
    if (batch.dense.length < B * this.shape.numDense) throw new EngineError('BAD_BATCH', `batch.dense holds ${batch.dense.length} values; ${B} rows × ${this.shape.numDense} dense features are needed`);
    if (batch.cat.length < B * F) throw new EngineError('BAD_BATCH', `batch.cat holds ${batch.cat.length} ids; ${B} rows × ${F} fields are needed`);
    const err = checkIds(batch.cat, B, this.shape.tableSizes);
    if (err) throw new EngineError('BAD_BATCH', err);
    return B;
  }

  private denseTensor(batch: Batch, B: number): Tensor {
    const n = B * this.shape.numDense;
    return f32(batch.dense.length === n ? batch.dense : batch.dense.subarray(0, n), [B, this.shape.numDense]);
  }

  // ---- training ------------------------------------------------------------------------------------------------

  trainStep(batch: Batch): number {
    this.check();
    const B = this.checkBatch(batch);
    if (batch.labels.length < B) throw new EngineError('BAD_BATCH', `batch.labels holds ${batch.labels.length} labels for ${B} rows`);
    const D = this.shape.embeddingDim;
    const buf = this.buffers(B);
    if (this.pendingStep !== undefined) this.applyPending(batch, B);
    gatherRows(this.embeddings, D, this.offsets, batch.cat, B, buf.emb);
    const t = this.step + 1;
    this.scalars.get(IN.invBatch)![0] = 1 / B;
    const values = this.opt.scalarValues(this.optConfig, t);
    this.opt.scalars.forEach((s, i) => (this.scalars.get(s)![0] = values[i]));
    if (this.taylorDecay !== undefined) {
      this.scalars.get(IN.taylorDecay)![0] = this.taylorDecay;
      this.scalars.get(IN.taylorKeep)![0] = 1 - this.taylorDecay;
    }
    const train = this.train!;
    const feeds = train.feeds[this.parity];
    const fetches = train.fetches[this.parity];
    feeds[IN.dense] = this.denseTensor(batch, B);
    feeds[IN.emb] = buf.embT;
    feeds[IN.labels] = f32(batch.labels.length === B ? batch.labels : batch.labels.subarray(0, B), [B]);
    fetches[OUT.embGrad] = buf.embGradT;
    const out = train.session.run(feeds, fetches);
    const loss = (out[OUT.loss].data as Float32Array)[0];
    // The worker reads the coalescer's arrays: it must be done before they are overwritten.
    this.deferred?.wait();
    this.coalescer.coalesce(this.offsets, batch.cat, B, buf.embGrad);
    if (this.deferred) {
      this.pendingStep = t;
    } else {
      this.opt.sparseUpdate(this.optConfig, t, this.embeddings, this.embState, D, this.coalescer.rows, this.coalescer.grads, this.coalescer.count);
    }
    this.parity ^= 1;
    this.step = t;
    return loss;
  }

  /**
   * Overlap mode: applies the previous step's embedding update before `batch` is gathered — rows `batch` uses right
   * now, the rest on the worker while this thread gathers and runs the graph.
   */
  private applyPending(batch: Batch, B: number): void {
    const deferred = this.deferred!;
    const c = this.coalescer;
    if (this.urgent.rows.length < c.count) this.urgent = { rows: new Int32Array(c.rows.length), grads: new Float32Array(c.grads.length) };
    this.batchRows.addBatch(this.offsets, batch.cat, B);
    const rows = this.batchRows;
    deferred.apply(this.optConfig, this.pendingStep!, c.rows, c.grads, c.count, (r) => rows.has(r), this.urgent);
    this.pendingStep = undefined;
  }

  /** Brings the tables up to date (overlap mode defers the last step's row update). */
  private flush(): void {
    this.deferred?.wait();
    if (this.pendingStep === undefined) return;
    const c = this.coalescer;
    this.opt.sparseUpdate(this.optConfig, this.pendingStep, this.embeddings, this.embState, this.shape.embeddingDim, c.rows, c.grads, c.count);
    this.pendingStep = undefined;
  }

  protected override forward(batch: Batch, output: 'prob' | 'logit'): Float32Array {
    this.check();
    this.flush();
    const B = this.checkBatch(batch);
    const buf = this.buffers(B);
    gatherRows(this.embeddings, this.shape.embeddingDim, this.offsets, batch.cat, B, buf.emb);
    const feeds: Record<string, Tensor> = { [IN.dense]: this.denseTensor(batch, B), [IN.emb]: buf.embT };
    for (const l of this.layers) {
      feeds[weightName(l.name)] = f32(l.W[this.parity], [l.outDim, l.inDim]);
      feeds[biasName(l.name)] = f32(l.b[this.parity], [l.outDim]);
    }
    const out = this.predictSession!.session.run(feeds, { [output]: null });
    return (out[output].data as Float32Array).slice(0, B);
  }

  // ---- parameters, masks, scores -------------------------------------------------------------------------------

  override getParams(): ModelParams {
    this.check();
    this.flush();
    const p = this.parity;
    const layer = (l: LayerState): DenseLayer => ({ name: l.name, inDim: l.inDim, outDim: l.outDim, W: l.W[p].slice(), b: l.b[p].slice(), ...(l.mask ? { mask: l.mask.slice() } : {}) });
    const nBottom = this.shape.bottom.length - 1;
    return { shape: structuredClone(this.shape), bottom: this.layers.slice(0, nBottom).map(layer), top: this.layers.slice(nBottom).map(layer), embeddings: this.embeddings.slice() };
  }

  override getOptimizerState(): OptimizerState {
    this.check();
    this.flush();
    const p = this.parity;
    const layers: OptimizerState['layers'] = {};
    for (const l of this.layers) layers[l.name] = { W: l.Ws.map((s) => s[p].slice()), b: l.bs.map((s) => s[p].slice()) };
    return { kind: this.opt.kind, step: this.step, layers, embeddings: this.embState.map((s) => s.slice()) };
  }

  override getTaylorScores(): LayerScores {
    this.check();
    const out: LayerScores = {};
    for (const l of this.layers) if (l.score) out[l.name] = l.score[this.parity].slice();
    return out;
  }

  resetTaylorScores(): void {
    for (const l of this.layers) l.score?.forEach((a) => a.fill(0));
  }

  dispose(): void {
    if (this.disposed) return;
    this.deferred?.dispose();
    this.deferred = undefined;
    this.releaseSessions();
    this.batchBuffers.clear();
    this.disposed = true;
  }
}
