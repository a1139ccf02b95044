// The experiment configuration: one zod schema validated at every boundary (CLI, GraphQL, worker, dashboard form).
// Units are in the field names or descriptions; messages say what to change.
import { z } from 'zod';
import { RUN_LIMITS, runSizeProblems } from './run-size.js';

export const SOURCE_KINDS = ['synthetic', 'criteo', 'avazu', 'movielens', 'csv', 'clicks'] as const;
export const PARADIGMS = ['dense', 'prune_once', 'gradual', 'sparse_regrow', 'd2s', 'adaptive_d2s', 'prune_once_distill', 'd2s_ramp'] as const;
export const GRANULARITIES = ['structured', 'unstructured'] as const;
export const CRITERIA = ['magnitude', 'taylor', 'hybrid'] as const;
export const ALLOCATIONS = ['uniform', 'global', 'greedy', 'learned'] as const;
export const OPTIMIZERS = ['sgd', 'adagrad', 'adam'] as const;
export const DEVICES = ['cpu', 'webgpu', 'auto'] as const;
export const INTERACTIONS = ['dot', 'cat'] as const;
export const DENSE_SCALINGS = ['auto', 'standardize', 'none'] as const;

/** `day`, `week`, `hour`, or `rows:N` (a fixed number of rows per window). */
export const windowRule = z
  .string()
  .regex(/^(day|week|hour|rows:[1-9][0-9]*)$/, 'window must be day, week, hour or rows:N (N a positive integer)');
export type WindowRule = z.infer<typeof windowRule>;

const positiveInt = (what: string) =>
  z.number({ error: `${what} must be a number` }).int(`${what} must be an integer`).positive(`${what} must be > 0`);

/** A positive integer with an upper limit that the message names. */
const boundedInt = (what: string, max: number, why = '') =>
  positiveInt(what).max(max, `${what} is at most ${max.toLocaleString('en-US')}${why}`);

const dataSeed = (what: string) =>
  z.number({ error: `${what} must be a number` }).int(`${what} must be an integer`).min(0, `${what} must be ≥ 0`).max(2 ** 31 - 1);

export const syntheticOptions = z
  .object({
    windows: boundedInt('synthetic.windows', RUN_LIMITS.windows).default(24),
    rowsPerWindow: boundedInt('synthetic.rowsPerWindow', RUN_LIMITS.rowsPerWindow).default(20_000),
    numDense: z.number().int().min(0).max(1024).default(13),
    numFields: z.number().int().min(1).max(256).default(26),
    /** Distinct ids per categorical field at the start of the stream. */
    vocabPerField: boundedInt('synthetic.vocabPerField', RUN_LIMITS.hashSizePerField).default(2_000),
    /** Zipf exponent of id popularity (1.0–1.3 is typical of CTR logs). */
    zipfExponent: z.number().positive().max(4).default(1.1),
    /** Fraction of popularity ranks that rotate each window. */
    rankRotation: z.number().min(0).max(1).default(0.05),
    /** Fraction of each window's draws that hit ids never seen before. */
    newIdRate: z.number().min(0).max(1).default(0.02),
    /** Standard deviation of the teacher's random walk per window, relative to its weight scale. */
    driftStd: z.number().min(0).max(10).default(0.05),
    /** Abrupt shift every N windows (0 = never). */
    shiftEvery: z.number().int().min(0).default(8),
    /** Size of an abrupt shift, relative to the teacher's weight scale. */
    shiftScale: z.number().min(0).max(10).default(0.5),
    /** Base click-through rate before the daily cycle. */
    baseCtr: z.number().gt(0).lt(1).default(0.2),
    /** Amplitude of the daily CTR cycle in logit units. */
    dailyCycleAmplitude: z.number().min(0).max(5).default(0.3),
    /** Probability that a label is flipped. */
    labelNoise: z.number().min(0).max(0.5).default(0.02),
    /** Hours of simulated time per window (24 = a day). */
    hoursPerWindow: z.number().positive().default(24),
    /**
     * Multiplies the teacher's id, dense and interaction effects (not the base rate or the daily cycle): 1 is the
     * historical stream, whose dense NE stays at 0.98–0.995; the learnable preset (examples/synthetic-learnable-*.yaml)
     * uses 2 with 8 fields.
     */
    signalScale: z.number().positive('synthetic.signalScale must be > 0').max(20).default(1),
    /** The data seed (ids, teacher, drift, labels); the experiment's seed when absent, which then also initialises models. */
    seed: dataSeed('synthetic.seed').optional(),
  })
  .strict();
export type SyntheticOptions = z.infer<typeof syntheticOptions>;


/**
 * Click logs without impressions (source `clicks`, e.g. Globo.com G1): every click is a positive, and negatives are
 * sampled (docs/method.md § Click logs: what NE means there).
 */
export const clicksOptions = z
  .object({
    negatives: z
      .object({
        /** Negatives drawn per click (0 = positives only, which no model can learn from). */
        perClick: z.number().int('data.clicks.negatives.perClick must be an integer').min(0).max(100).default(4),
        /**
         * `popularity`: an earlier click of the pool, so articles in proportion to their recent clicks (popularity is
         * then no giveaway); `uniform`: a distinct article of the pool, whatever its popularity.
         */
        sampling: z
          .enum(['popularity', 'uniform'], { error: 'data.clicks.negatives.sampling must be popularity or uniform' })
          .default('popularity'),
        /** The pool: articles clicked by anyone in the last poolMinutes before the click (never after it). */
        poolMinutes: z.number().positive('data.clicks.negatives.poolMinutes must be > 0').max(7 * 24 * 60).default(60),
        /** The data seed of the negatives (independent of the experiment's seed, which initialises models). */
        seed: dataSeed('data.clicks.negatives.seed').default(1),
        /**
         * A click whose article has no click in the pool cannot be matched by any negative (negatives come from the
         * pool), so its article features alone (no recent clicks) would mark it as the positive: a label leak.
         * `drop` (default) leaves such clicks and their negatives out of the rows (they still feed the history and
         * the pool); `keep` writes them, as the source did at first.
         */
        coldPositives: z.enum(['drop', 'keep'], { error: 'data.clicks.negatives.coldPositives must be drop or keep' }).default('drop'),
      })
      .strict()
      .default({ perClick: 4, sampling: 'popularity', poolMinutes: 60, seed: 1, coldPositives: 'drop' }),
    subsample: z
      .object({
        /** Share of users (or user-days) whose clicks are emitted; every click still feeds the pool and counters. */
        fraction: z.number().gt(0, 'data.clicks.subsample.fraction must be > 0').max(1, 'data.clicks.subsample.fraction is a share: at most 1').default(1),
        /** `user`: a user is in or out for the whole stream; `user_day`: each (user, UTC day) is drawn on its own. */
        unit: z.enum(['user', 'user_day'], { error: 'data.clicks.subsample.unit must be user or user_day' }).default('user'),
        seed: dataSeed('data.clicks.subsample.seed').default(1),
      })
      .strict()
      .default({ fraction: 1, unit: 'user', seed: 1 }),
  })
  .strict();
export type ClicksOptions = z.infer<typeof clicksOptions>;

export const csvMapping = z
  .object({
    delimiter: z.string().min(1).max(1).default(','),
    header: z.boolean().default(true),
    label: z.string().min(1),
    time: z.string().min(1).optional(),
    /** How the time column is written: unix seconds, unix milliseconds, ISO 8601, or Avazu's YYMMDDHH. */
    timeFormat: z.enum(['unix', 'unix_ms', 'iso', 'yymmddhh']).default('unix'),
    dense: z.array(z.string().min(1)).max(1024, 'data.csv.dense lists at most 1,024 columns').default([]),
    categorical: z.array(z.string().min(1)).max(1024, 'data.csv.categorical lists at most 1,024 columns').default([]),
    /** Dense values are transformed with log(1 + max(x, 0)) when true (Criteo style). */
    logDense: z.boolean().default(false),
  })
  .strict();
export type CsvMapping = z.infer<typeof csvMapping>;

export const dataConfig = z
  .object({
    source: z.enum(SOURCE_KINDS, { error: `data.source must be one of ${SOURCE_KINDS.join(', ')}` }),
    /** File or directory; required for every source but synthetic, unless `dataset` names registered content. */
    path: z.string().min(1).optional(),
    /** A registered dataset of the project (its id), instead of `path`: the platform's workers fetch its content. */
    dataset: z
      .string()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'data.dataset must be a dataset id')
      .optional(),
    window: windowRule.default('day'),
    batchSize: positiveInt('data.batchSize').max(1 << 20).default(512),
    /** Stop after this many windows (all when absent). */
    maxWindows: boundedInt('data.maxWindows', RUN_LIMITS.windows).optional(),
    /** Read at most this many rows per window (all when absent). */
    maxRowsPerWindow: boundedInt('data.maxRowsPerWindow', RUN_LIMITS.rowsPerWindow).optional(),
    /** Hash table size per categorical field (one number for all, or one per field). */
    hashSize: z
      .union([
        boundedInt('data.hashSize', RUN_LIMITS.hashSizePerField, ' rows per field (2^24)'),
        z.array(boundedInt('data.hashSize[i]', RUN_LIMITS.hashSizePerField, ' rows per field (2^24)')).min(1).max(1024, 'data.hashSize lists at most 1,024 fields'),
      ])
      .default(100_000),
    /** Fraction of malformed rows tolerated before the stream fails. */
    errorBudget: z.number().min(0).max(1).default(0.001),
    shuffleWithinWindow: z.boolean().default(false),
    /**
     * How dense features are scaled for the model (docs/method.md § Dense features): `standardize` serves window t
     * as (x − mean) / std of all earlier windows, clipped to ±5 (causal); `none` passes the source's values on;
     * `auto` standardizes the csv source's user-given columns and leaves the built-in sources (already log or unit
     * scaled) as they are.
     */
    denseScaling: z
      .enum(DENSE_SCALINGS, { error: `data.denseScaling must be one of ${DENSE_SCALINGS.join(', ')} (auto standardizes csv columns only)` })
      .default('auto'),
    /** MovieLens: a rating at or above this is a positive label. */
    positiveRating: z.number().min(0.5).max(5).default(4),
    synthetic: syntheticOptions.default(syntheticOptions.parse({})),
    csv: csvMapping.optional(),
    /**
     * The stationary control of any windowed stream (docs/method.md § Stationary controls): the same windows, served
     * in a deterministic random order (seeded Fisher–Yates) instead of time order; maxWindows picks the windows (the
     * first N in time), which are then shuffled.
     */
    shuffleWindows: z.object({ seed: dataSeed('data.shuffleWindows.seed').default(1) }).strict().optional(),
    /** Source clicks: negative sampling and subsampling (defaults when absent). */
    clicks: clicksOptions.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.source !== 'synthetic' && !d.path && !d.dataset)
      ctx.addIssue({ code: 'custom', path: ['path'], message: `data.path is required for source ${d.source} (or data.dataset, a registered dataset's id)` });
    if (d.path && d.dataset) ctx.addIssue({ code: 'custom', path: ['dataset'], message: 'give data.path or data.dataset, not both' });
    if (d.source === 'synthetic' && d.dataset) ctx.addIssue({ code: 'custom', path: ['dataset'], message: 'the synthetic source reads no dataset' });
    // a registered csv dataset carries its column mapping; the platform fills data.csv from it
    if (d.source === 'csv' && !d.csv && !d.dataset)
      ctx.addIssue({ code: 'custom', path: ['csv'], message: 'data.csv (the column mapping) is required for source csv' });
    if (d.clicks && d.source !== 'clicks')
      ctx.addIssue({ code: 'custom', path: ['clicks'], message: `data.clicks applies to source clicks only (this is ${d.source}): remove it` });
  });
export type DataConfig = z.infer<typeof dataConfig>;

export const modelConfig = z
  .object({
    embeddingDim: positiveInt('model.embeddingDim').max(1024).default(16),
    /** Hidden widths of the bottom MLP; its output width is embeddingDim (appended automatically). */
    bottomMlp: z
      .array(boundedInt('model.bottomMlp[i]', RUN_LIMITS.layerWidth, ' units per layer'))
      .max(RUN_LIMITS.mlpLayers, `model.bottomMlp has at most ${RUN_LIMITS.mlpLayers} layers`)
      .default([512, 256, 64]),
    /** Hidden widths of the top MLP; its output width is 1 (appended automatically). */
    topMlp: z
      .array(boundedInt('model.topMlp[i]', RUN_LIMITS.layerWidth, ' units per layer'))
      .max(RUN_LIMITS.mlpLayers, `model.topMlp has at most ${RUN_LIMITS.mlpLayers} layers`)
      .default([512, 256]),
    interaction: z.enum(INTERACTIONS).default('dot'),
  })
  .strict();
export type ModelConfig = z.infer<typeof modelConfig>;

export const optimizerConfig = z
  .object({
    kind: z.enum(OPTIMIZERS, { error: `optimizer.kind must be one of ${OPTIMIZERS.join(', ')}` }).default('adagrad'),
    lr: z.number().positive('optimizer.lr must be > 0').max(10).default(0.01),
    eps: z.number().positive().default(1e-10),
    initialAccumulator: z.number().min(0).default(0),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
  })
  .strict();
export type OptimizerConfig = z.infer<typeof optimizerConfig>;

export const engineConfig = z
  .object({
    device: z.enum(DEVICES).default('cpu'),
    /**
     * Resource labels the run's worker must carry beyond its device (a memory class such as `mem-large`, …): the run
     * goes only to workers whose WORKER_LABELS include them all (@driftprune/runs labels.ts). Absent: any worker.
     */
    labels: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,31}$/, 'engine.labels[i] must be lower case letters, digits, . _ - (at most 32 characters)'))
      .max(4, 'engine.labels names at most 4 labels')
      .optional(),
    /** onnxruntime intra-op threads (0 = onnxruntime's default). */
    threads: z.number().int().min(0).max(256).default(0),
  })
  .strict();
export type EngineConfig = z.infer<typeof engineConfig>;

export const pruningConfig = z
  .object({
    granularity: z.enum(GRANULARITIES).default('structured'),
    /** Fraction of prunable MLP FLOPs (or parameters) removed: 0.75 means 75 % fewer. */
    budget: z
      .number({ error: 'pruning.budget must be a number' })
      .gt(0, 'pruning.budget is the fraction removed; it must be > 0 (e.g. 0.75 for 75 %)')
      .lt(1, 'pruning.budget is a fraction, not a percentage: write 0.75 for 75 %'),
    budgetUnit: z.enum(['flops', 'params']).default('flops'),
    criterion: z.enum(CRITERIA).default('magnitude'),
    /** hybrid score = alpha·magnitude + (1 − alpha)·taylor, each normalised per layer. */
    hybridAlpha: z.number().min(0).max(1).default(0.5),
    /** Decay of the exponential moving average of Taylor scores, per training step. */
    taylorDecay: z.number().min(0).lt(1).default(0.99),
    /**
     * How much each layer loses: uniform, global (one threshold on layer-normalised scores), greedy (a one-shot
     * greedy knapsack on the Taylor EMA; called `learned` before 2026-12, when configs saying `learned` ran it), or
     * learned (per-neuron gates trained on the latest window under a FLOPs-budget penalty; structured — with
     * unstructured granularity it runs greedy, as such configs always did).
     */
    allocation: z.enum(ALLOCATIONS).default('greedy'),
    /** Structured pruning never leaves a hidden layer narrower than this. */
    minWidth: positiveInt('pruning.minWidth').default(4),
    /** Allocation `learned`: how its gates are trained on the latest window (docs/method.md § Pruning operator). */
    learned: z
      .object({
        /** Gate-training steps (mini-batches of the latest window, cycled); each costs one forward+backward of the model. */
        steps: z.number().int().min(1).max(10_000).default(32),
        /** Adam step size of the gate logits. */
        lr: z.number().positive().max(10).default(0.1),
        /** Step size of the budget multiplier (dual ascent on the expected-cost constraint). */
        dualLr: z.number().positive().max(100).default(1),
      })
      .strict()
      .default({ steps: 32, lr: 0.1, dualLr: 1 }),
  })
  .strict();
export type PruningConfig = z.infer<typeof pruningConfig>;

const refreshOptions = z
  .object({
    /** A new sparse model starts from the dense weights (true) or from scratch (false). */
    warmStart: z.boolean().default(true),
    /** Fine-tune steps on the latest window right after a refresh. */
    fineTuneSteps: z.number().int().min(0).max(100_000, 'fineTuneSteps is at most 100,000').default(0),
    /**
     * What fine-tuning fits (ours): `dense` (default) distils the dense model's predictions on the latest window;
     * `labels` takes a second pass over the window's labels, which the dense weights the new model starts from
     * have already fitted, so it memorises the window (docs/results.md: +27 % NE after 16 steps).
     */
    fineTuneTarget: z.enum(['dense', 'labels']).default('dense'),
    /**
     * Windows a new sparse model trains alongside the serving one before it takes over (ours; 0 = it serves at
     * once). Keeps a freshly pruned, unrecovered model from serving; costs one more model's training meanwhile.
     */
    shadowWindows: z.number().int().min(0).max(8).default(0),
  })
  .strict();

export type RefreshOptions = z.infer<typeof refreshOptions>;

const paradigmBase = { warmupWindows: z.number().int().min(0).default(2) };

export const paradigmConfig = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('dense'), ...paradigmBase }).strict(),
    z.object({ kind: z.literal('prune_once'), ...paradigmBase }).strict(),
    z
      .object({
        kind: z.literal('gradual'),
        ...paradigmBase,
        /** Windows over which sparsity ramps from 0 to the budget (cubic schedule, Zhu & Gupta 2017). */
        rampWindows: positiveInt('paradigm.rampWindows').default(4),
        /** Prune every N training steps during the ramp. */
        everySteps: positiveInt('paradigm.everySteps').default(50),
      })
      .strict(),
    z
      .object({
        kind: z.literal('sparse_regrow'),
        ...paradigmBase,
        r: positiveInt('paradigm.r').default(1),
        /** Fraction of the live weights/neurons dropped and regrown at each update. */
        regrowFraction: z.number().gt(0).max(0.9).default(0.1),
      })
      .strict(),
    z
      .object({ kind: z.literal('d2s'), ...paradigmBase, r: positiveInt('paradigm.r').default(2), refresh: refreshOptions.default(refreshOptions.parse({})) })
      .strict(),
    z
      .object({
        kind: z.literal('adaptive_d2s'),
        ...paradigmBase,
        /** Refresh when the last window's ΔNE% exceeds tau (percent). */
        tau: z.number().positive().default(1.0),
        /** …or when the mask the dense model would give now overlaps the serving mask below this Jaccard index. */
        jaccardBound: z.number().min(0).max(1).default(0.7),
        rMin: positiveInt('paradigm.rMin').default(1),
        rMax: positiveInt('paradigm.rMax').default(8),
        /**
         * The ΔNE trigger fires only when the gap has grown since the previous window under the same serving model
         * (ours): right after a refresh the gap is mostly the pruning shock, which training recovers, not drift.
         */
        requireGrowingGap: z.boolean().default(true),
        /**
         * …or when the dense model's own NE on the last window is this many percent above its mean since the last
         * refresh (ours: the data moved, whatever the serving model's gap says yet). 0 turns the trigger off.
         */
        driftPct: z.number().min(0).max(1000).default(0),
        /**
         * How much to prune (ours): at each refresh after the first, the budget moves by `step` — down (prune less)
         * when the serving model's mean gap since its refresh was above tau, up (prune more) when it was below
         * lowGapPct — within [min, max]. Off by default: every refresh prunes pruning.budget.
         */
        budgetAdaptation: z
          .object({
            enabled: z.boolean().default(false),
            step: z.number().gt(0).max(0.5).default(0.05),
            min: z.number().gt(0).lt(1).default(0.5),
            max: z.number().gt(0).lt(1).default(0.95),
            lowGapPct: z.number().min(0).default(0.25),
          })
          .strict()
          .default({ enabled: false, step: 0.05, min: 0.5, max: 0.95, lowGapPct: 0.25 }),
        refresh: refreshOptions.default(refreshOptions.parse({})),
      })
      .strict()
      .refine((p) => p.rMin <= p.rMax, { message: 'paradigm.rMin must be ≤ paradigm.rMax', path: ['rMin'] })
      .refine((p) => p.budgetAdaptation.min <= p.budgetAdaptation.max, { message: 'paradigm.budgetAdaptation.min must be ≤ max', path: ['budgetAdaptation', 'min'] }),
    z
      .object({
        kind: z.literal('prune_once_distill'),
        ...paradigmBase,
        /**
         * The compute-matched baseline (ours): prune_once whose sparse model trains on (1 − w)·label + w·p_dense,
         * the co-trained dense model's prediction of each row before it trains on it; 1 = distillation only.
         */
        distillWeight: z.number().min(0).max(1).default(1),
      })
      .strict(),
    z
      .object({
        kind: z.literal('d2s_ramp'),
        ...paradigmBase,
        /** A new model every r windows (the first at warm-up end). */
        r: positiveInt('paradigm.r').default(2),
        /** Training steps over which each new model's sparsity ramps from 0 to the budget (cubic schedule). */
        rampSteps: positiveInt('paradigm.rampSteps').default(64),
        /** Prune every N steps of a ramp (and at its last step). */
        everySteps: positiveInt('paradigm.everySteps').default(8),
      })
      .strict(),
  ],
  { error: `paradigm.kind must be one of ${PARADIGMS.join(', ')}` },
);
export type ParadigmConfig = z.infer<typeof paradigmConfig>;
export type ParadigmKind = ParadigmConfig['kind'];

export const servingEvalConfig = z
  .object({
    enabled: z.boolean().default(true),
    /** Evaluate at every refresh (true) or only at the end of the run (false). */
    everyRefresh: z.boolean().default(true),
    batchSizes: z.array(positiveInt('evaluation.serving.batchSizes[i]').max(65_536)).max(16, 'evaluation.serving.batchSizes lists at most 16 sizes').default([1, 64, 512]),
    /** Timed iterations per batch size. */
    iterations: positiveInt('evaluation.serving.iterations').max(100_000).default(200),
    threads: z.number().int().min(0).max(256).default(1),
  })
  .strict();

export const experimentConfig = z
  .object({
    name: z.string().min(1).max(200).default('experiment'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    data: dataConfig,
    model: modelConfig.default(modelConfig.parse({})),
    optimizer: optimizerConfig.default(optimizerConfig.parse({})),
    engine: engineConfig.default(engineConfig.parse({})),
    paradigm: paradigmConfig,
    /** Required for every paradigm but dense. */
    pruning: pruningConfig.optional(),
    evaluation: z
      .object({
        serving: servingEvalConfig.default(servingEvalConfig.parse({})),
        /**
         * A window with fewer rows of its rarer label class than this is left out of the headline figures and of
         * adaptive triggers (its metrics are noise); a window of one class always is (its NE and AUC are null).
         */
        minClassRows: z.number().int().min(1).max(1_000_000).default(5),
      })
      .strict()
      .default({ serving: servingEvalConfig.parse({}), minClassRows: 5 }),
    checkpoint: z.object({ everyWindows: z.number().int().min(0).default(1) }).strict().default({ everyWindows: 1 }),
    /**
     * This run's budget on a platform worker, below the worker's own (RUN_MAX_WALL_SEC, RUN_MAX_MEMORY_MB): the
     * smaller of the two applies. A run over it fails with RUN_BUDGET_EXCEEDED and is not retried.
     */
    runBudget: z
      .object({
        /** Wall-clock seconds from the run's start on a worker (data preparation included). */
        wallSec: boundedInt('runBudget.wallSec', 30 * 86_400).optional(),
        /** Resident memory of the run's process (MiB). */
        memoryMb: boundedInt('runBudget.memoryMb', 1_048_576).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.paradigm.kind !== 'dense' && !c.pruning)
      ctx.addIssue({ code: 'custom', path: ['pruning'], message: `pruning (at least pruning.budget) is required for paradigm ${c.paradigm.kind}` });
    // size of the whole run (parameters, rows, compute): run-size.ts, RUN_LIMITS
    for (const p of runSizeProblems(c)) ctx.addIssue({ code: 'custom', ...p });
  });
export type ExperimentConfig = z.infer<typeof experimentConfig>;
export type ExperimentConfigInput = z.input<typeof experimentConfig>;
