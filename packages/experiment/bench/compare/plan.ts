// What the comparison runs: streams (base experiments), arms (a paradigm kind with its options), and studies (a stream
// × arms × budgets × allocations × data seeds × init seeds), compiled into sweeps that the platform expands and runs.
// A new paradigm variant or allocation is one line in an arm or allocation list below.
import { resolve } from 'node:path';

export type Scale = 'full' | 'quick';
export type StreamId = 'globo' | 'globo-shuffled' | 'synthetic' | 'synthetic-stationary';

/** A paradigm configuration compared as one arm: a kind and the options it is run with (config paths under paradigm). */
export interface Arm {
  label: string;
  kind: string;
  /** Dotted config paths (e.g. `paradigm.r`) set on every run of this arm. */
  options?: Record<string, string | number | boolean>;
}

export interface Study {
  id: string;
  title: string;
  stream: StreamId;
  arms: Arm[];
  budgets: number[];
  /** Allocation rules compared (pruning.allocation); the stream's default when absent. */
  allocations?: string[];
  /** Data seeds (which users / which synthetic world; see dataSeedPaths) and initialisation seeds (sweep seeds). */
  dataSeeds: number[];
  initSeeds: number[];
  /** Whether the runs of the first data seed export their final models for the serving timings (default true). */
  exportServing?: boolean;
}

/** The arm every other arm is paired against (same stream, budget, allocation, data seed and init seed). */
export const BASELINE_ARM = 'prune_once';
/** The compute-matched baseline the D2S family is also paired against (it pays their training compute). */
export const COMPUTE_MATCHED_ARM = 'prune_once_distill';

const REFRESH = { 'paradigm.refresh.warmStart': true };
export const ARMS = {
  dense: { label: 'dense', kind: 'dense' },
  pruneOnce: { label: 'prune_once', kind: 'prune_once' },
  gradual: { label: 'gradual', kind: 'gradual', options: { 'paradigm.rampWindows': 3, 'paradigm.everySteps': 16 } },
  d2s1: { label: 'd2s r=1', kind: 'd2s', options: { 'paradigm.r': 1, ...REFRESH } },
  d2s4: { label: 'd2s r=4', kind: 'd2s', options: { 'paradigm.r': 4, ...REFRESH } },
  d2s1Distil: { label: 'd2s r=1 ft64', kind: 'd2s', options: { 'paradigm.r': 1, ...REFRESH, 'paradigm.refresh.fineTuneSteps': 64, 'paradigm.refresh.fineTuneTarget': 'dense' } },
  adaptive: {
    label: 'adaptive_d2s',
    kind: 'adaptive_d2s',
    options: { 'paradigm.tau': 1, 'paradigm.jaccardBound': 0.7, 'paradigm.rMin': 1, 'paradigm.rMax': 4, ...REFRESH },
  },
  // Adapts when (the gap, the dense model's own NE rising 3 % above its mean since the refresh) and how much (each
  // later refresh prunes 5 points less after a gap above tau, 5 more after one below 0.25 %, within [0.5, 0.95]).
  adaptiveHowMuch: {
    label: 'adaptive_d2s when+how',
    kind: 'adaptive_d2s',
    options: { 'paradigm.tau': 1, 'paradigm.jaccardBound': 0.7, 'paradigm.rMin': 1, 'paradigm.rMax': 4, 'paradigm.driftPct': 3, 'paradigm.budgetAdaptation.enabled': true, ...REFRESH },
  },
  // D2S read as a short dense-to-sparse ramp per period (64 steps) instead of a one-shot copy.
  d2sRamp: { label: 'd2s_ramp r=1', kind: 'd2s_ramp', options: { 'paradigm.r': 1 } },
  // The compute-matched baseline: prune_once distilled continuously from the co-trained dense model.
  pruneOnceDistill: { label: 'prune_once_distill', kind: 'prune_once_distill' },
} satisfies Record<string, Arm>;

/** The arms of the main question (prune_once against the D2S family), and the ones compared at the headline budget only. */
const CORE_ARMS: Arm[] = [ARMS.pruneOnce, ARMS.d2s1, ARMS.d2sRamp, ARMS.adaptive];
// Their prune_once partners are the headline study's runs with init seed 1 (pairs are formed across studies of a stream).
const VARIANT_ARMS: Arm[] = [ARMS.dense, ARMS.pruneOnceDistill, ARMS.gradual, ARMS.d2s4, ARMS.d2s1Distil, ARMS.adaptiveHowMuch];
/** Allocation rules of the ablation, in the order reported. */
const ABLATION_ALLOCATIONS = ['uniform', 'global', 'greedy', 'learned'];
const ABLATION_ARMS: Arm[] = [ARMS.pruneOnce, ARMS.d2s1];
const CONTROL_ARMS: Arm[] = [ARMS.pruneOnce, ARMS.d2s1];
/** The init-seed study leaves out d2s_ramp (3× the cost of a run): the question is the init seed's share of the spread. */
const INIT_ARMS: Arm[] = [ARMS.pruneOnce, ARMS.d2s1, ARMS.adaptive];

export const HEADLINE_BUDGET = 0.9;
/** The allocation of every study but the ablation: the config's default (the one-shot greedy knapsack). */
export const DEFAULT_ALLOCATION = 'greedy';

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/**
 * The studies, in the order the workers take them (the queue is first in, first out): the headline first, then the
 * other paradigms, the allocation ablation, the stationary controls, a second init seed and a second budget, so that
 * a comparison stopped early (cancel the remaining sweeps) still has its most important cells complete.
 * Full scale is sized for about 60 minutes of two un-niced workers on the shared 2-core machine (docs/results.md
 * gives the subsampling: Globo 12 of 16 days and 3 % of its users; synthetic 20 windows of 50,000 rows, 1M a run).
 * Quick: the same grid shape on tiny streams, for developing the pipeline (a few minutes).
 */
export function studies(scale: Scale): Study[] {
  const q = scale === 'quick';
  const seeds = (full: number, quick: number, from = 1) => range(from, q ? quick : full);
  return [
    { id: 'globo-headline', title: 'Globo, headline budget, 10 data seeds', stream: 'globo', arms: CORE_ARMS, budgets: [HEADLINE_BUDGET], dataSeeds: seeds(10, 2), initSeeds: [1] },
    { id: 'synthetic', title: 'Learnable synthetic stream (1M rows), headline budget, 10 data seeds', stream: 'synthetic', arms: CORE_ARMS, budgets: [HEADLINE_BUDGET], dataSeeds: seeds(10, 2), initSeeds: [1] },
    { id: 'globo-variants', title: 'Globo, headline budget, other paradigms and the compute-matched baseline (init seed 1)', stream: 'globo', arms: VARIANT_ARMS, budgets: [HEADLINE_BUDGET], dataSeeds: seeds(3, 2), initSeeds: [1] },
    // On the synthetic stream, whose dense model learns (NE ≈ 0.75): on Globo's (NE ≈ 0.94) allocation differences drown.
    // Data seeds 101… so that the ablation's runs are new replicates, not repeats of the headline's.
    { id: 'allocation', title: 'Allocation ablation on the learnable synthetic stream (prune_once and d2s, 75 % and 90 %)', stream: 'synthetic', arms: ABLATION_ARMS, budgets: [0.75, 0.9], allocations: ABLATION_ALLOCATIONS, dataSeeds: seeds(4, 1, 101), initSeeds: [1] },
    // The stationary controls ask whether prune_once's gap grows because of drift: prune_once and d2s r=1 suffice.
    { id: 'globo-shuffled', title: 'Globo with its days shuffled (stationary control)', stream: 'globo-shuffled', arms: CONTROL_ARMS, budgets: [HEADLINE_BUDGET], dataSeeds: seeds(5, 2), initSeeds: [1] },
    { id: 'synthetic-stationary', title: 'Learnable synthetic stream, drift off (stationary control)', stream: 'synthetic-stationary', arms: CONTROL_ARMS, budgets: [HEADLINE_BUDGET], dataSeeds: seeds(5, 2), initSeeds: [1] },
    // The same data seeds with another initialisation: how much of the spread is the init seed's.
    { id: 'globo-init2', title: 'Globo, headline budget, init seed 2', stream: 'globo', arms: INIT_ARMS, budgets: [HEADLINE_BUDGET], dataSeeds: seeds(5, 1), initSeeds: [2] },
    { id: 'synthetic-75', title: 'Learnable synthetic stream, 75 %', stream: 'synthetic', arms: CORE_ARMS, budgets: [0.75], dataSeeds: seeds(3, 2), initSeeds: [1] },
    // More data seeds for the studies above, as studies of their own so that a comparison already run keeps its sweeps
    // (a rerun resumes them) and only these are submitted; their runs pair with the first ones by stream and seeds.
    ...(q
      ? []
      : [
          { id: 'globo-variants-more', title: 'Globo, other paradigms, data seeds 4–10', stream: 'globo' as const, arms: VARIANT_ARMS, budgets: [HEADLINE_BUDGET], dataSeeds: range(4, 7), initSeeds: [1], exportServing: false },
          { id: 'globo-init2-more', title: 'Globo, init seed 2, data seeds 6–10', stream: 'globo' as const, arms: INIT_ARMS, budgets: [HEADLINE_BUDGET], dataSeeds: range(6, 5), initSeeds: [2], exportServing: false },
          { id: 'globo-shuffled-more', title: 'Globo with its days shuffled, data seeds 6–10', stream: 'globo-shuffled' as const, arms: CONTROL_ARMS, budgets: [HEADLINE_BUDGET], dataSeeds: range(6, 5), initSeeds: [1], exportServing: false },
          { id: 'synthetic-stationary-more', title: 'Learnable synthetic stream, drift off, data seeds 6–10', stream: 'synthetic-stationary' as const, arms: CONTROL_ARMS, budgets: [HEADLINE_BUDGET], dataSeeds: range(6, 5), initSeeds: [1], exportServing: false },
          { id: 'allocation-more', title: 'Allocation ablation, data seeds 105–108', stream: 'synthetic' as const, arms: ABLATION_ARMS, budgets: [0.75, 0.9], allocations: ABLATION_ALLOCATIONS, dataSeeds: range(105, 4), initSeeds: [1], exportServing: false },
          // A third initialisation of every data seed: with two, the init seed's share of the spread has no interval.
          { id: 'globo-init3', title: 'Globo, headline budget, init seed 3', stream: 'globo' as const, arms: INIT_ARMS, budgets: [HEADLINE_BUDGET], dataSeeds: range(1, 10), initSeeds: [3], exportServing: false },
          { id: 'synthetic-75-more', title: 'Learnable synthetic stream, 75 %, data seeds 4–10', stream: 'synthetic' as const, arms: CORE_ARMS, budgets: [0.75], dataSeeds: range(4, 7), initSeeds: [1], exportServing: false },
        ]),
  ];
}

/** Where the shared data sets are: DRIFTPRUNE_SHARED_DATA, else ../shared/data beside the repository. */
export function sharedDataDir(repoRoot: string): string {
  return resolve(process.env.DRIFTPRUNE_SHARED_DATA ?? resolve(repoRoot, '../shared/data'));
}

const GLOBO_HASH = [200_000, 100_000, 100_000, 16, 16, 64, 64, 128, 16, 64, 16];

/**
 * The base experiment of a stream. Globo: daily windows of the G1 click log with 4 popularity-sampled negatives per
 * click (docs/method.md § Click logs), a share of its users; synthetic: the learnable preset (examples/
 * synthetic-learnable-dense.yaml) at 20 windows of 50,000 rows, 1M rows a run (the preset has 24; 20 for the CPU budget).
 */
export function streamBase(stream: StreamId, scale: Scale, repoRoot: string): Record<string, unknown> {
  const q = scale === 'quick';
  const common = {
    optimizer: { kind: 'adagrad', lr: 0.02 },
    engine: { threads: 1 },
    // Serving: the final models exported and timed once, at the end, only in the runs of a study's first data seed
    // (compileStudy turns it on there): a Globo model is 26 MB of ONNX, and its speed-up depends on its widths only.
    evaluation: { serving: { enabled: false, everyRefresh: false, batchSizes: [64, 512], iterations: q ? 5 : 20, threads: 1 } },
    checkpoint: { everyWindows: 0 },
    pruning: { granularity: 'structured', budget: HEADLINE_BUDGET, criterion: 'taylor', allocation: DEFAULT_ALLOCATION, minWidth: 4 },
  };
  if (stream === 'globo' || stream === 'globo-shuffled') {
    const path = resolve(sharedDataDir(repoRoot), 'globo-g1-clicks');
    return {
      ...common,
      name: stream,
      data: {
        source: 'clicks',
        path,
        window: 'day',
        maxWindows: q ? 4 : 12,
        batchSize: 256,
        hashSize: GLOBO_HASH,
        clicks: {
          negatives: { perClick: 4, sampling: 'popularity', poolMinutes: 60, seed: 1 },
          subsample: { fraction: q ? 0.003 : 0.03, unit: 'user', seed: 1 },
        },
        ...(stream === 'globo-shuffled' ? { shuffleWindows: { seed: 1 } } : {}),
      },
      model: { embeddingDim: 16, bottomMlp: [128, 64], topMlp: [256, 128] },
      paradigm: { kind: 'prune_once', warmupWindows: q ? 1 : 2 },
    };
  }
  const drift = stream === 'synthetic' ? { driftStd: 0.05, shiftEvery: 8, shiftScale: 0.5, rankRotation: 0.05 } : { driftStd: 0, shiftEvery: 0, shiftScale: 0, rankRotation: 0 };
  const windows = q ? 4 : 20;
  const rows = q ? 4000 : 50_000;
  return {
    ...common,
    name: stream,
    data: {
      source: 'synthetic',
      window: `rows:${rows}`,
      batchSize: 256,
      hashSize: 10_000,
      synthetic: { seed: 1, windows, rowsPerWindow: rows, numDense: 8, numFields: 8, vocabPerField: 1000, signalScale: 2, ...drift },
    },
    model: { embeddingDim: 8, bottomMlp: [64, 32], topMlp: [128, 64] },
    paradigm: { kind: 'prune_once', warmupWindows: q ? 1 : 2 },
  };
}

/** The config path that is the stream's data seed, and the other data seeds that follow it (set to the same value). */
export function dataSeedPaths(stream: StreamId): { swept: string; follow: string[] } {
  if (stream === 'globo') return { swept: 'data.clicks.subsample.seed', follow: ['data.clicks.negatives.seed'] };
  if (stream === 'globo-shuffled') return { swept: 'data.clicks.subsample.seed', follow: ['data.clicks.negatives.seed', 'data.shuffleWindows.seed'] };
  return { swept: 'data.synthetic.seed', follow: [] };
}

/** Synthetic abrupt shifts happen after every shiftEvery windows (markers on the traces); none for Globo. */
export function shiftWindows(base: Record<string, any>): number[] {
  const s = base.data?.synthetic;
  if (!s || !s.shiftEvery) return [];
  return range(1, Math.floor((s.windows - 1) / s.shiftEvery)).map((k) => k * s.shiftEvery);
}

/** Turned on for the runs of a study's first data seed: their final models are exported for the serving timings. */
export const SERVING_EXPORT = 'evaluation.serving.enabled';

export interface CompiledSweep {
  /** `<study>#<layer>`: a study whose arms share a kind needs one sweep per layer (a sweep sets one option set per kind). */
  key: string;
  study: string;
  /** paradigm.kind → arm label, for the runs of this sweep. */
  armOfKind: Record<string, string>;
  sweep: Record<string, unknown>;
}

/**
 * One study as sweeps: paradigm.kind is swept with each arm's options as per-kind settings (`set`), the data seed is
 * swept with the seeds that follow it set alike, budgets and allocations are swept, and the init seeds are the
 * sweep's seeds. Arms of the same kind go to separate sweeps (layers).
 */
export function compileStudy(study: Study): CompiledSweep[] {
  const layers: Arm[][] = [];
  for (const arm of study.arms) {
    const layer = layers.find((l) => !l.some((a) => a.kind === arm.kind));
    if (layer) layer.push(arm);
    else layers.push([arm]);
  }
  const seeds = dataSeedPaths(study.stream);
  const perDataSeed = (s: number) => ({ ...Object.fromEntries(seeds.follow.map((p) => [p, s])), ...(s === study.dataSeeds[0] && study.exportServing !== false ? { [SERVING_EXPORT]: true } : {}) });
  return layers.map((arms, i) => {
    // Grid order (@driftprune/config parameterOrder): paradigm.kind, a discriminator, is the outermost loop, then the
    // data seed; so a sweep stopped early has every data seed of its first arms and none of its last (arms listed first run first).
    const parameters: Record<string, unknown> = {
      [seeds.swept]: { values: study.dataSeeds, set: Object.fromEntries(study.dataSeeds.map((s) => [String(s), perDataSeed(s)])) },
      'paradigm.kind': { values: arms.map((a) => a.kind), set: Object.fromEntries(arms.filter((a) => a.options).map((a) => [a.kind, a.options])) },
    };
    // dense takes no pruning section; budgets and allocations apply to the other kinds only.
    const pruned = arms.filter((a) => a.kind !== 'dense').map((a) => a.kind);
    const onlyPruned = pruned.length < arms.length ? { when: { 'paradigm.kind': pruned } } : {};
    if (pruned.length) {
      parameters['pruning.budget'] = { values: study.budgets, ...onlyPruned };
      if (study.allocations) parameters['pruning.allocation'] = { values: study.allocations, ...onlyPruned };
    }
    return {
      key: `${study.id}#${i}`,
      study: study.id,
      armOfKind: Object.fromEntries(arms.map((a) => [a.kind, a.label])),
      sweep: { name: layers.length > 1 ? `${study.id} (${i + 1}/${layers.length})` : study.id, method: 'grid', seeds: study.initSeeds, parameters },
    };
  });
}
