// What a run holds while it goes through the stream: the config, the models (dense reference, serving model,
// shadow model in flight), the serving mask and the checkpointed run state, plus the few operations every paradigm
// shares (install a serving model, log a refresh, count training compute). Paradigms act on it (paradigms/).
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Window } from '@driftprune/data';
import type { ExperimentConfig } from '@driftprune/config';
import { type OptimizerState, type Trainer, type TrainerOptions, type DlrmShape, type LayerScores, type ModelParams, createTrainer } from '@driftprune/engine';
import {
  allocationRule,
  maskJaccard,
  maskWidths,
  paramsCount,
  paramsFlops,
  paramsMlpFlops,
  prune,
  shapeFlops,
  shapeMlpFlops,
  shapeParams,
  weightMaskCounts,
  type PruneMask,
  type PruneOptions,
  type PruneResult,
} from '@driftprune/pruning';
import { learnGates } from '../allocation/learned-gates.js';
import { abortError } from '../serving/serving-eval.js';
import { decodeMask, encodeMask } from '../checkpoint/codec.js';
import type { RunState } from '../checkpoint/run-state.js';
import type { RefreshEvent, RunEvent, RunOptions } from '../types.js';

/** Forward + backward ≈ 3 forward passes: the usual training-compute estimate per sample. */
export const TRAIN_FLOPS_FACTOR = 3;

/** Per-sample forward FLOPs, parameter count and sparsity of a model: fixed between refreshes, so kept, not recomputed. */
export interface ModelCost {
  flops: number;
  params: number;
  /** Fraction of prunable MLP FLOPs removed (weights only: biases are never masked). */
  sparsity: number;
  /** Memory the model holds: parameters and embedding tables, their optimizer slots, masks and Taylor scores. */
  bytes: number;
}

/**
 * FLOPs per embedding value a training step spends beyond the MLPs (ours): accumulating the row's gradient (1) and
 * the optimizer's update — SGD a multiply and a subtract, Adagrad a square, an add, a root, an add, a divide and a
 * subtract, Adam about twice that. Gathers are memory, not FLOPs.
 */
export const EMBEDDING_UPDATE_FLOPS: Record<ExperimentConfig['optimizer']['kind'], number> = { sgd: 1 + 2, adagrad: 1 + 6, adam: 1 + 12 };

/** Optimizer state slots per parameter (SGD none, Adagrad an accumulator, Adam two moments). */
const SLOTS: Record<ExperimentConfig['optimizer']['kind'], number> = { sgd: 0, adagrad: 1, adam: 2 };

export function newRunState(): RunState {
  return {
    version: 1,
    nextWindow: 0,
    metrics: [],
    refreshes: [],
    serving: [],
    trainingFlops: 0,
    samplesTrained: 0,
    mask: null,
    lastRefreshWindow: -1,
    pendingServingEval: false,
    sparsityReached: 0,
    reservoir: null,
    hasServing: false,
    shadow: null,
  };
}

/**
 * The config's pruning section as the pruning operator takes it. `learned` trains per-neuron gates, so it is
 * structured; with unstructured masks it runs greedy, as every `learned` config did before the gates existed.
 */
export function pruneOptionsOf(cfg: ExperimentConfig): PruneOptions | null {
  const pr = cfg.pruning;
  if (!pr) return null;
  const allocation = pr.allocation === 'learned' && pr.granularity === 'unstructured' ? 'greedy' : pr.allocation;
  return { budget: pr.budget, budgetUnit: pr.budgetUnit, granularity: pr.granularity, criterion: pr.criterion, allocation, minWidth: pr.minWidth, hybridAlpha: pr.hybridAlpha };
}

export class RunContext {
  readonly denseFlops: number;
  readonly denseParams: number;
  readonly pruneOpts: PruneOptions | null;
  readonly trainerBase: TrainerOptions;
  readonly dense: Trainer;
  serving: Trainer | null = null;
  /** A new sparse model training alongside the serving one before it takes over (refresh.shadowWindows). */
  shadow: Trainer | null = null;
  /** The serving model's mask in dense indices (null while dense serves). */
  mask: PruneMask | null = null;
  st: RunState = newRunState();
  private readonly costs = new Map<Trainer, ModelCost>();

  constructor(
    readonly cfg: ExperimentConfig,
    readonly shape: DlrmShape,
    readonly options: RunOptions,
  ) {
    this.denseFlops = shapeFlops(shape);
    this.denseParams = shapeParams(shape);
    this.pruneOpts = pruneOptionsOf(cfg);
    const pr = cfg.pruning;
    const o = this.pruneOpts;
    // Taylor scores cost a little per step; they are kept only where a criterion or allocation reads them.
    const taylor = pr && o && (o.criterion !== 'magnitude' || allocationRule(o.allocation).ranksBySensitivity) ? { decay: pr.taylorDecay } : undefined;
    this.trainerBase = { optimizer: cfg.optimizer, device: cfg.engine.device, threads: cfg.engine.threads, taylor };
    this.dense = this.newTrainer({ shape, seed: cfg.seed });
    this.costs.set(this.dense, { flops: this.denseFlops, params: this.denseParams, sparsity: 0, bytes: this.denseBytes() });
    this.notePeak();
  }

  get outDir(): string {
    return this.options.outDir;
  }

  async emit(e: RunEvent): Promise<void> {
    await this.options.onEvent?.(e);
  }

  checkAbort(): void {
    if (this.options.signal?.aborted) throw abortError();
  }

  /** A window's mini-batches, shuffled within the window when the config asks for it (evaluation never is). */
  batchesOf(w: Window, shuffle = true) {
    const d = this.cfg.data;
    return w.batches({ batchSize: d.batchSize, ...(shuffle && d.shuffleWithinWindow ? { shuffleSeed: this.cfg.seed * 100_003 + w.index } : {}) });
  }

  newTrainer(o: Partial<TrainerOptions>): Trainer {
    return createTrainer({ ...this.trainerBase, ...o });
  }

  /**
   * Adds the training compute of `rows` samples through a model of `flopsPerSample` forward FLOPs; `embeddings`
   * when the pass also updates embedding rows (training, fine-tuning, RigL probes; not gate steps).
   */
  countTrain(flopsPerSample: number, rows: number, embeddings = true): void {
    this.st.trainingFlops += TRAIN_FLOPS_FACTOR * flopsPerSample * rows;
    if (embeddings) this.st.embeddingTrainingFlops = (this.st.embeddingTrainingFlops ?? 0) + this.embeddingFlopsPerSample * rows;
  }

  /** Embedding-update FLOPs of one trained sample: F·D values, each accumulated and updated. */
  get embeddingFlopsPerSample(): number {
    return this.shape.tableSizes.length * this.shape.embeddingDim * EMBEDDING_UPDATE_FLOPS[this.cfg.optimizer.kind];
  }

  /** A live model's cost from its parameters (bytes with this run's optimizer and Taylor settings). */
  costOf(p: ModelParams): ModelCost {
    let weights = 0;
    let values = p.embeddings.length;
    let masks = 0;
    for (const l of [...p.bottom, ...p.top]) {
      weights += l.W.length;
      values += l.W.length + l.b.length;
      if (l.mask) masks += l.mask.length;
    }
    const taylor = this.trainerBase.taylor ? weights : 0;
    const bytes = 4 * (values * (1 + SLOTS[this.cfg.optimizer.kind]) + masks + taylor);
    return { flops: paramsFlops(p), params: paramsCount(p), sparsity: 1 - paramsMlpFlops(p) / shapeMlpFlops(this.shape), bytes };
  }

  /** Records the memory of the models alive now, if it is the largest so far. */
  private notePeak(): void {
    let bytes = 0;
    for (const t of [this.dense, this.serving, this.shadow]) if (t) bytes += this.cost(t).bytes;
    this.st.peakModelBytes = Math.max(this.st.peakModelBytes ?? 0, bytes);
  }

  /** FLOPs, parameters and sparsity of a live model, computed once when it was installed or its masks changed. */
  cost(trainer: Trainer): ModelCost {
    let c = this.costs.get(trainer);
    if (!c) {
      c = this.costOf(trainer.getParams());
      this.costs.set(trainer, c);
    }
    return c;
  }

  /** The serving model's forward FLOPs per sample (dense while no sparse model serves). */
  servingFlops(): number {
    return this.serving ? this.cost(this.serving).flops : this.denseFlops;
  }

  /** Replaces the serving model; structured widths change, so its optimizer state comes sliced to match. */
  installServing(params: ModelParams, optimizerState?: OptimizerState): Trainer {
    this.drop(this.serving);
    this.serving = this.newTrainer({ params, ...(optimizerState ? { optimizerState } : {}) });
    this.costs.set(this.serving, this.costOf(params));
    this.st.hasServing = true;
    this.notePeak();
    return this.serving;
  }

  /** A new model that trains `windows` windows alongside the serving one before it serves (promoteShadow). */
  installShadow(params: ModelParams, optimizerState: OptimizerState | undefined, windows: number, mask: PruneMask): Trainer {
    this.drop(this.shadow);
    this.shadow = this.newTrainer({ params, ...(optimizerState ? { optimizerState } : {}) });
    this.costs.set(this.shadow, this.costOf(params));
    this.st.shadow = { windowsLeft: windows, mask: encodeMask(mask) };
    this.notePeak();
    return this.shadow;
  }

  /** Sets unstructured masks on the serving model (its cost changes with them). */
  setServingMasks(masks: Record<string, Uint8Array>): void {
    this.setMasksOf(this.serving!, masks);
  }

  /** Sets unstructured masks on a live model (its cost changes with them). */
  setMasksOf(trainer: Trainer, masks: Record<string, Uint8Array>): void {
    trainer.setMasks(Object.fromEntries(Object.entries(masks).map(([k, v]) => [k, Float32Array.from(v)])));
    this.costs.delete(trainer);
    this.notePeak();
  }

  /** The shadow model has trained its windows: it becomes the serving model. */
  promoteShadow(t: number): void {
    this.drop(this.serving);
    this.serving = this.shadow;
    this.shadow = null;
    this.mask = decodeMask(this.st.shadow!.mask);
    this.st.mask = this.st.shadow!.mask;
    this.st.shadow = null;
    this.servingChanged(t);
  }

  /** A new serving model from window t + 1 on: remember when, and time it in onnxruntime if the config asks. */
  servingChanged(t: number): void {
    this.st.lastRefreshWindow = t;
    const s = this.cfg.evaluation.serving;
    this.st.pendingServingEval = s.enabled && s.everyRefresh;
  }

  /**
   * Prunes `params` (a live model's, with its Taylor scores) with the configured operator, to the config's budget
   * or `o.budget`. Allocation `learned` first trains its gates on `win` (counted as training compute).
   */
  async pruneParams(params: ModelParams, taylor: LayerScores, win: Window, o: { budget?: number; currentMask?: PruneMask } = {}): Promise<PruneResult> {
    const opts = { ...this.pruneOpts!, ...(o.budget !== undefined ? { budget: o.budget } : {}) };
    let learned: { scores: Record<string, Float64Array>; widths: Record<string, number> } | undefined;
    if (opts.allocation === 'learned') {
      const l = this.cfg.pruning!.learned;
      const g = await learnGates(params, () => this.batchesOf(win), {
        budget: opts.budget,
        unit: opts.budgetUnit ?? 'flops',
        minWidth: opts.minWidth,
        steps: l.steps,
        lr: l.lr,
        dualLr: l.dualLr,
        denseWidths: { bottom: this.shape.bottom, top: this.shape.top },
        threads: this.cfg.engine.threads,
        signal: this.options.signal,
        seed: this.cfg.seed * 1_000_003 + win.index,
      });
      this.checkAbort();
      // Each gate step is one forward and backward pass of the model being pruned (no embedding update).
      this.countTrain(paramsFlops(params), g.rows, false);
      learned = { scores: g.scores, widths: g.widths };
    }
    // The budget is always relative to the dense model, whatever widths `params` has now.
    return prune(params, opts, { taylor, denseShape: this.shape, ...(o.currentMask ? { currentMask: o.currentMask } : {}), ...(learned ? { learned } : {}) });
  }

  /** Logs a new mask; it becomes the serving mask now, or `shadowWindows` windows later (servesFromWindow). */
  async logRefresh(t: number, trigger: string, next: PruneMask, flopsRatio: number, shadowWindows = 0): Promise<void> {
    const refresh: RefreshEvent = {
      window: t,
      trigger,
      widths: next.granularity === 'structured' ? maskWidths(next.neurons) : weightMaskCounts(next.weights),
      jaccard: this.mask ? maskJaccard(this.mask, next) : 1,
      flopsRatio,
      ...(shadowWindows > 0 ? { servesFromWindow: t + shadowWindows + 1 } : {}),
    };
    if (shadowWindows === 0) {
      this.mask = next;
      this.st.mask = encodeMask(next);
    }
    this.st.refreshes.push(refresh);
    await appendFile(join(this.outDir, 'refreshes.jsonl'), JSON.stringify(refresh) + '\n');
    await this.emit({ type: 'refresh', refresh });
  }

  dispose(): void {
    this.dense.dispose();
    this.serving?.dispose();
    this.shadow?.dispose();
  }

  private drop(t: Trainer | null): void {
    if (!t) return;
    this.costs.delete(t);
    t.dispose();
  }

  /** The dense model's bytes from its shape (no copy of its tables). */
  private denseBytes(): number {
    let weights = 0;
    let values = this.shape.tableSizes.reduce((a, b) => a + b, 0) * this.shape.embeddingDim;
    for (const w of [this.shape.bottom, this.shape.top])
      for (let i = 0; i + 1 < w.length; i++) {
        weights += w[i] * w[i + 1];
        values += w[i] * w[i + 1] + w[i + 1];
      }
    return 4 * (values * (1 + SLOTS[this.cfg.optimizer.kind]) + (this.trainerBase.taylor ? weights : 0));
  }
}
