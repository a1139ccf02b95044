// What the CPU trainer and the device-resident (WebGPU) trainer share: option checks, the starting parameters,
// predict/evalLoss over one forward pass, setParams/setMasks through `install`, checkpoints and the serving export.
// Each engine provides the forward pass, its state (install, getParams, getOptimizerState, getTaylorScores) and
// the training step.
import type { OptimizerConfig } from '@driftprune/config';
import type { Batch } from '@driftprune/data';
import { readFileSync, writeFileSync } from 'node:fs';
import type { OptimizerState, TrainerOptions } from './api.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { EngineError } from './errors.js';
import { buildServingModel } from './graph/forward-graph.js';
import { initParams } from './init.js';
import { meanBceWithLogits } from './layers/bce.js';
import { resolveOptimizer, type Optimizer } from './optim/index.js';
import { validateParams } from './params.js';
import type { DenseLayer, DlrmShape, LayerScores, ModelParams } from './types.js';

export abstract class TrainerBase {
  readonly threads: number;
  shape!: DlrmShape;
  /** Optimizer steps taken so far. */
  step = 0;
  protected optConfig: OptimizerConfig;
  protected opt: Optimizer;
  /** Decay of the Taylor score EMA; undefined when scores are not kept. */
  protected taylorDecay: number | undefined;
  protected disposed = false;

  /** Checks the options every engine takes (threads, Taylor decay, optimizer); the subclass then installs `startParams(o)`. */
  protected constructor(o: TrainerOptions) {
    const threads = o.threads ?? 0;
    if (!Number.isInteger(threads) || threads < 0 || threads > 256) throw new EngineError('BAD_DEVICE', `threads must be an integer in 0..256 (0 = one per core), got ${threads}`);
    this.threads = threads;
    if (o.taylor) {
      if (!(o.taylor.decay >= 0 && o.taylor.decay < 1)) throw new EngineError('BAD_OPTIMIZER', `taylor.decay must be in [0, 1), got ${o.taylor.decay}`);
      this.taylorDecay = o.taylor.decay;
    }
    const { config, optimizer } = resolveOptimizer(o.optimizer);
    this.optConfig = config;
    this.opt = optimizer;
  }

  /** The parameters a trainer starts from: `params`, or a fresh initialisation of `shape`; `masks` applied. */
  protected static startParams(o: TrainerOptions): ModelParams {
    let params: ModelParams;
    if (o.params) params = o.params;
    else if (o.shape) params = initParams(o.shape, o.seed ?? 1);
    else throw new EngineError('BAD_PARAMS', 'createTrainer needs `params` or `shape` (+ `seed`)');
    validateParams(params);
    const masks = o.masks;
    if (!masks) return params;
    const withMask = (l: DenseLayer) => (Object.hasOwn(masks, l.name) ? { ...l, mask: masks[l.name] } : l);
    return { ...params, bottom: params.bottom.map(withMask), top: params.top.map(withMask) };
  }

  /** Takes `params` (validated) as the current state; optimizer slots come from `state` where shapes match. */
  protected abstract install(params: ModelParams, state: OptimizerState | undefined, step: number, scores?: LayerScores): void;
  /** Probabilities or logits of the batch's rows under the current parameters (a fresh array). */
  protected abstract forward(batch: Batch, output: 'prob' | 'logit'): Float32Array;
  abstract getParams(): ModelParams;
  abstract getOptimizerState(): OptimizerState;
  abstract getTaylorScores(): LayerScores;

  protected check(): void {
    if (this.disposed) throw new EngineError('DISPOSED', 'this trainer was disposed');
  }

  predict(batch: Batch): Float32Array {
    return this.forward(batch, 'prob');
  }

  evalLoss(batch: Batch): number {
    return meanBceWithLogits(this.forward(batch, 'logit'), batch.labels);
  }

  setParams(params: ModelParams, o: { keepOptimizerState?: boolean } = {}): void {
    this.check();
    validateParams(params);
    const state = o.keepOptimizerState === false ? undefined : this.getOptimizerState();
    const scores = this.taylorDecay !== undefined ? this.getTaylorScores() : undefined;
    this.install(params, state, this.step, scores);
  }

  setMasks(masks: Record<string, Float32Array | undefined>): void {
    this.check();
    const params = this.getParams();
    const known = new Set([...params.bottom, ...params.top].map((l) => l.name));
    for (const k of Object.keys(masks)) if (!known.has(k)) throw new EngineError('BAD_PARAMS', `setMasks: no layer named '${k}' (layers: ${[...known].join(', ')})`);
    for (const l of [...params.bottom, ...params.top]) {
      if (!Object.hasOwn(masks, l.name)) continue;
      const m = masks[l.name];
      if (m === undefined) delete l.mask;
      else l.mask = m;
    }
    validateParams(params);
    this.install(params, this.getOptimizerState(), this.step, this.taylorDecay !== undefined ? this.getTaylorScores() : undefined);
  }

  saveCheckpoint(path?: string): Uint8Array {
    this.check();
    const bytes = encodeCheckpoint({ params: this.getParams(), optimizer: this.optConfig, state: this.getOptimizerState(), taylorDecay: this.taylorDecay, scores: this.getTaylorScores() });
    if (path) writeFileSync(path, bytes);
    return bytes;
  }

  loadCheckpoint(source: Uint8Array | string): void {
    this.check();
    const c = decodeCheckpoint(typeof source === 'string' ? new Uint8Array(readFileSync(source)) : source);
    validateParams(c.params);
    const { config, optimizer } = resolveOptimizer(c.optimizer);
    this.optConfig = config;
    this.opt = optimizer;
    this.taylorDecay = c.taylorDecay;
    this.install(c.params, c.state, c.state.step, c.scores);
  }

  exportServingModel(): Uint8Array {
    this.check();
    return buildServingModel(this.getParams());
  }
}
