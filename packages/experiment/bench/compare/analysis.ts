// From fetched runs to the comparison's numbers: per-run gaps (window mean and row-weighted), paired differences
// against prune_once with cluster-bootstrap CIs over data seeds, sign tests, drift-vs-control growth, allocation
// effects, per-window traces with bands, and costs.
import { clusterBootstrapCI, crossedBootstrapCI, deltaPct, mean, meanNE, pointwiseBands, pooledNE, signTest, variance, type BandPoint, type BootstrapInterval, type CrossedInterval, type SignTest } from '@driftprune/stats';
import type { RunRecord, WindowPoint } from './collect.js';
import { BASELINE_ARM, type StreamId } from './plan.js';

/** The numbers of one succeeded run. */
export interface RunMetrics {
  id: string;
  study: string;
  stream: StreamId;
  arm: string;
  budget: number | null;
  allocation: string | null;
  dataSeed: number;
  initSeed: number;
  evaluationWindows: number;
  /** ΔNE% averaged over evaluation windows (every window the same weight). */
  meanDeltaNE: number;
  /** ΔNE% of the row-weighted (pooled) NE over the evaluation windows: the relative excess of total log loss. */
  pooledDeltaNE: number;
  maxDeltaNE: number;
  /**
   * Mean ΔNE% over the first and the second half of the evaluation windows after the pruning shock (the first
   * SHOCK_WINDOWS evaluation windows left out), and growth = late − early.
   */
  earlyDeltaNE: number;
  lateDeltaNE: number;
  growth: number;
  meanNEDense: number;
  pooledNEDense: number;
  meanNEServing: number;
  pooledNEServing: number;
  refreshes: number;
  /** Serving model FLOPs per row averaged over evaluation windows (row-weighted), relative to dense. */
  servingFlopsRatio: number;
  /**
   * Training FLOPs the run reports, and what training the dense model alone on the same rows costs: the training FLOPs
   * of the dense run with the same stream and seeds when there is one, else 3 × its forward FLOPs × rows.
   */
  trainingFlops: number;
  denseOnlyTrainingFlops: number;
  denseOnlySource: 'dense run' | 'computed';
  wallSec: number;
  /** Cost accounting of the run's summary (docs/method.md § Cost accounting); NaN or null where it is absent. */
  cost: RunCost;
  /** ΔNE% per evaluation window. */
  deltaByWindow: Map<number, number>;
  refreshWindows: number[];
}

export interface RunCost {
  /** Training FLOPs with the embedding updates, and what the dense model alone costs on the same rows (same rule). */
  totalTrainingFlops: number;
  embeddingTrainingFlops: number;
  denseOnlyTotalTrainingFlops: number;
  peakModelBytes: number;
  /** Serving FLOPs / dense, averaged over evaluation windows (every window the same weight). */
  meanServingFlopsRatio: number;
  refreshWallSec: number;
  /** Measured in the run (dense p50 / serving p50 at its largest batch), when the run timed its models. */
  meanServingSpeedup: number | null;
}

/** Optimizer FLOPs per embedding value updated (docs/method.md § Cost accounting). */
const OPTIMIZER_FLOPS: Record<string, number> = { sgd: 2, adagrad: 6, adam: 12 };

/** Embedding values a row touches: fields × embedding dimension. */
function embeddingValuesPerRow(config: Record<string, any>): number {
  const d = config.data ?? {};
  const fields = d.source === 'synthetic' ? Number(d.synthetic?.numFields) : Array.isArray(d.hashSize) ? d.hashSize.length : NaN;
  return fields * Number(config.model?.embeddingDim);
}

/**
 * Evaluation windows that the growth of the gap leaves out: a freshly pruned model's first windows carry the pruning
 * shock, which training recovers on any stream, drifting or not; it would make every gap look like it shrinks.
 */
export const SHOCK_WINDOWS = 2;

function usable(w: WindowPoint | undefined): w is WindowPoint & { ne: number } {
  return !!w && !w.warmup && w.excluded === null && w.ne !== null;
}

const replicateKey = (r: { stream: string; dataSeed: number; initSeed: number }) => `${r.stream}|${r.dataSeed}|${r.initSeed}`;

/** Training FLOPs of the succeeded dense-paradigm runs, by stream and seeds (and with embeddings, under `total|`). */
export function denseRunTraining(records: RunRecord[]): Map<string, number> {
  const dense = records.filter((r) => r.status === 'succeeded' && r.config.paradigm.kind === 'dense' && Number.isFinite(r.summary?.trainingFlops));
  return new Map([
    ...dense.map((r) => [replicateKey(r), Number(r.summary!.trainingFlops)] as const),
    ...dense.filter((r) => Number.isFinite(r.summary?.totalTrainingFlops)).map((r) => [`total|${replicateKey(r)}`, Number(r.summary!.totalTrainingFlops)] as const),
  ]);
}

/** The run's cost fields; the dense-only total computed (MLP FLOPs + one model's embedding updates) when no dense run has it. */
function runCost(r: RunRecord, denseOnlyTrainingFlops: number, denseRunTotal: number | undefined): RunCost {
  const s = r.summary ?? {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);
  const rows = r.windows.reduce((a, w) => a + (w.dense?.rows ?? 0), 0);
  const perValue = 1 + (OPTIMIZER_FLOPS[String(r.config.optimizer?.kind ?? 'adagrad')] ?? NaN);
  return {
    totalTrainingFlops: num(s.totalTrainingFlops),
    embeddingTrainingFlops: num(s.embeddingTrainingFlops),
    denseOnlyTotalTrainingFlops: denseRunTotal ?? denseOnlyTrainingFlops + rows * embeddingValuesPerRow(r.config) * perValue,
    peakModelBytes: num(s.peakModelBytes),
    meanServingFlopsRatio: num(s.meanServingFlopsRatio),
    refreshWallSec: num(s.refreshWallSec),
    meanServingSpeedup: typeof s.meanServingSpeedup === 'number' ? s.meanServingSpeedup : null,
  };
}

/** The run's metrics; null when it did not succeed or has no evaluation window (a dense run has none). */
export function runMetrics(r: RunRecord, denseRuns: ReadonlyMap<string, number> = new Map()): RunMetrics | null {
  if (r.status !== 'succeeded') return null;
  const ev = r.windows.filter((w) => usable(w.dense) && usable(w.serving));
  const fromDenseRun = denseRuns.get(replicateKey(r));
  const denseOnlyTrainingFlops = fromDenseRun ?? r.windows.reduce((a, w) => a + (w.dense ? 3 * w.dense.flops * w.dense.rows : 0), 0);
  const base = {
    id: r.id,
    study: r.study,
    stream: r.stream,
    arm: r.arm,
    budget: r.budget,
    allocation: r.allocation,
    dataSeed: r.dataSeed,
    initSeed: r.initSeed,
    refreshes: r.refreshes.length,
    trainingFlops: Number(r.summary?.trainingFlops ?? NaN),
    denseOnlyTrainingFlops,
    denseOnlySource: fromDenseRun === undefined ? ('computed' as const) : ('dense run' as const),
    wallSec: Number(r.summary?.wallSec ?? NaN),
    cost: runCost(r, denseOnlyTrainingFlops, fromDenseRun === undefined ? undefined : denseRuns.get(`total|${replicateKey(r)}`)),
    refreshWindows: r.refreshes.map((x) => x.window),
  };
  if (!ev.length) return null;
  const deltas = ev.map((w) => deltaPct(w.serving!.ne!, w.dense!.ne!));
  const settled = deltas.slice(Math.min(SHOCK_WINDOWS, Math.floor(deltas.length / 3)));
  const half = Math.floor(settled.length / 2);
  const dense = ev.map((w) => w.dense!);
  const serving = ev.map((w) => w.serving!);
  const early = half ? mean(settled.slice(0, half)) : NaN;
  const late = mean(settled.slice(half));
  const rowsFlops = (ws: WindowPoint[]) => ws.reduce((a, w) => a + w.rows * w.flops, 0);
  return {
    ...base,
    evaluationWindows: ev.length,
    meanDeltaNE: mean(deltas),
    pooledDeltaNE: deltaPct(pooledNE(serving)!, pooledNE(dense)!),
    maxDeltaNE: Math.max(...deltas),
    earlyDeltaNE: early,
    lateDeltaNE: late,
    growth: late - early,
    meanNEDense: meanNE(dense)!,
    pooledNEDense: pooledNE(dense)!,
    meanNEServing: meanNE(serving)!,
    pooledNEServing: pooledNE(serving)!,
    servingFlopsRatio: rowsFlops(serving) / rowsFlops(dense),
    deltaByWindow: new Map(ev.map((w, i) => [w.window, deltas[i]])),
  };
}

export const STATISTICS = ['meanDeltaNE', 'pooledDeltaNE', 'lateDeltaNE', 'growth', 'maxDeltaNE'] as const;
export type StatisticName = (typeof STATISTICS)[number];

export interface Estimate {
  /** Runs, and distinct data seeds (the clusters the CI resamples). */
  n: number;
  dataSeeds: number;
  mean: number;
  ci: BootstrapInterval;
}

export interface PairedEstimate extends Estimate {
  /** Signs of the per-data-seed mean differences (the test's unit), and of the per-run differences. */
  sign: SignTest;
  runSign: SignTest;
  /** Runs of either side without a partner. */
  unpaired: number;
}

const BOOT = { resamples: 10_000, level: 0.95, method: 'bca' as const };

/** Mean over runs with a BCa CI that resamples data seeds (runs of one data seed move together). */
export function estimate(values: { dataSeed: number; value: number }[], seed: number): Estimate {
  const clusters = groupBy(values, (v) => v.dataSeed).map(([, vs]) => vs.map((v) => v.value));
  return { n: values.length, dataSeeds: clusters.length, mean: mean(values.map((v) => v.value)), ci: clusterBootstrapCI(clusters, { ...BOOT, seed }) };
}

/** A run's seeds: runs of two arms with the same key form a pair (within one stream, budget and allocation). */
const seedKey = (m: { dataSeed: number; initSeed: number }) => `${m.dataSeed}|${m.initSeed}`;

/** treatment − baseline per (data seed, init seed); CI over data-seed clusters; sign tests per data seed and per run. */
export function pairedEstimate(treatment: RunMetrics[], baseline: RunMetrics[], stat: (m: RunMetrics) => number, seed: number): PairedEstimate | null {
  const base = new Map(baseline.map((m) => [seedKey(m), m]));
  const diffs: { dataSeed: number; value: number }[] = [];
  for (const t of treatment) {
    const b = base.get(seedKey(t));
    if (b && Number.isFinite(stat(t)) && Number.isFinite(stat(b))) diffs.push({ dataSeed: t.dataSeed, value: stat(t) - stat(b) });
  }
  if (!diffs.length) return null;
  const e = estimate(diffs, seed);
  const perSeed = groupBy(diffs, (d) => d.dataSeed).map(([, ds]) => mean(ds.map((d) => d.value)));
  return { ...e, sign: signTest(perSeed), runSign: signTest(diffs.map((d) => d.value)), unpaired: treatment.length + baseline.length - 2 * diffs.length };
}

function groupBy<T, K>(xs: T[], key: (x: T) => K): [K, T[]][] {
  const m = new Map<K, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return [...m.entries()];
}

/** A stable small seed per label, so that every CI is reproducible and CIs of different rows do not share draws. */
export function seedOf(label: string): number {
  let h = 2166136261;
  for (const c of label) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h % 1_000_000_007;
}

export interface ArmResult {
  arm: string;
  runs: number;
  /** Runs of the cell that failed, and that never ran (cancelled or still queued when the comparison was stopped). */
  failed: number;
  notRun: number;
  stats: Record<StatisticName, Estimate>;
  vsBaseline: Partial<Record<StatisticName, PairedEstimate>>;
  costs: {
    trainingVsDenseOnly: Estimate;
    /** With the embedding updates, over the dense model's alone with its embedding updates. */
    totalTrainingVsDenseOnly: number;
    embeddingShare: number;
    peakModelBytes: number;
    meanServingFlopsRatio: number;
    refreshWallSec: number;
    meanServingSpeedup: number | null;
    servingFlopsRatio: number;
    refreshes: number;
    wallSec: number;
  };
  meanNEDense: number;
  pooledNEDense: number;
}

export interface Cell {
  stream: StreamId;
  budget: number;
  allocation: string;
  arms: ArmResult[];
}

const cellKey = (m: { stream: string; budget: number | null; allocation: string | null }) => `${m.stream}|${m.budget}|${m.allocation}`;

/** Mean of the finite values (a cost field older runs lack is NaN); NaN when there is none. */
const finiteMean = (xs: number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
};

const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

/**
 * One cell per (stream, budget, allocation): every arm's statistics and its paired differences against prune_once
 * (pairs may come from different studies of the stream: the same configuration with the same seeds).
 */
export function cells(runs: RunMetrics[], records: RunRecord[], armOrder: string[]): Cell[] {
  const pruned = runs.filter((m) => m.budget !== null);
  const studies = new Set(runs.map((m) => m.study));
  const out: Cell[] = [];
  for (const [key, ms] of groupBy(pruned, cellKey)) {
    const [stream, budget, allocation] = key.split('|');
    const baseline = ms.filter((m) => m.arm === BASELINE_ARM);
    const arms = groupBy(ms, (m) => m.arm).sort(([a], [b]) => armOrder.indexOf(a) - armOrder.indexOf(b));
    out.push({
      stream: stream as StreamId,
      budget: Number(budget),
      allocation,
      arms: arms.map(([arm, am]) => {
        const s = (name: string) => seedOf(`${key}|${arm}|${name}`);
        const others = records.filter((r) => r.status !== 'succeeded' && studies.has(r.study) && r.arm === arm && cellKey(r) === key);
        const failed = others.filter((r) => r.status === 'failed').length;
        const stats = Object.fromEntries(STATISTICS.map((st) => [st, estimate(am.map((m) => ({ dataSeed: m.dataSeed, value: m[st] })), s(st))])) as Record<StatisticName, Estimate>;
        const vsBaseline: ArmResult['vsBaseline'] = {};
        if (arm !== BASELINE_ARM && baseline.length)
          for (const st of STATISTICS) {
            const p = pairedEstimate(am, baseline, (m) => m[st], s(`paired ${st}`));
            if (p) vsBaseline[st] = p;
          }
        return {
          arm,
          runs: am.length,
          failed,
          notRun: others.length - failed,
          stats,
          vsBaseline,
          costs: {
            trainingVsDenseOnly: estimate(am.map((m) => ({ dataSeed: m.dataSeed, value: m.trainingFlops / m.denseOnlyTrainingFlops })), s('compute')),
            totalTrainingVsDenseOnly: finiteMean(am.map((m) => m.cost.totalTrainingFlops / m.cost.denseOnlyTotalTrainingFlops)),
            embeddingShare: finiteMean(am.map((m) => m.cost.embeddingTrainingFlops / m.cost.totalTrainingFlops)),
            peakModelBytes: median(am.map((m) => m.cost.peakModelBytes)),
            meanServingFlopsRatio: finiteMean(am.map((m) => m.cost.meanServingFlopsRatio)),
            refreshWallSec: median(am.map((m) => m.cost.refreshWallSec)),
            meanServingSpeedup: ((xs) => (xs.length ? median(xs) : null))(am.flatMap((m) => (m.cost.meanServingSpeedup === null ? [] : [m.cost.meanServingSpeedup]))),
            servingFlopsRatio: mean(am.map((m) => m.servingFlopsRatio)),
            refreshes: mean(am.map((m) => m.refreshes)),
            wallSec: median(am.map((m) => m.wallSec)),
          },
          meanNEDense: mean(am.map((m) => m.meanNEDense)),
          pooledNEDense: mean(am.map((m) => m.pooledNEDense)),
        };
      }),
    });
  }
  return out.sort((a, b) => a.stream.localeCompare(b.stream) || a.budget - b.budget || a.allocation.localeCompare(b.allocation));
}

export interface DriftControl {
  drift: StreamId;
  control: StreamId;
  budget: number;
  arm: string;
  /** Growth of the gap (late − early ΔNE%) on each stream, and drift − control paired by (data seed, init seed). */
  driftGrowth: Estimate;
  controlGrowth: Estimate;
  difference: PairedEstimate | null;
  /** The same for the arm's advantage over prune_once: growth of (arm − prune_once) on each stream. */
  driftRelGrowth: PairedEstimate | null;
  controlRelGrowth: PairedEstimate | null;
}

export const CONTROLS: [StreamId, StreamId][] = [
  ['globo', 'globo-shuffled'],
  ['synthetic', 'synthetic-stationary'],
];

/** Does the gap grow on the drifting stream and not on its stationary control? Per arm and budget (default allocation). */
export function driftVsControl(runs: RunMetrics[], allocation: string): DriftControl[] {
  const out: DriftControl[] = [];
  for (const [drift, control] of CONTROLS) {
    const d = runs.filter((m) => m.stream === drift && m.allocation === allocation);
    const c = runs.filter((m) => m.stream === control && m.allocation === allocation);
    for (const [budget, db] of groupBy(d, (m) => m.budget)) {
      if (budget === null) continue;
      const cb = c.filter((m) => m.budget === budget);
      for (const [arm, da] of groupBy(db, (m) => m.arm)) {
        const ca = cb.filter((m) => m.arm === arm);
        if (!ca.length) continue;
        const s = (n: string) => seedOf(`${drift}|${budget}|${arm}|${n}`);
        const relGrowth = (xs: RunMetrics[]) =>
          arm === BASELINE_ARM ? null : pairedEstimate(xs.filter((m) => m.arm === arm), xs.filter((m) => m.arm === BASELINE_ARM), (m) => m.growth, s(`rel ${xs[0]?.stream}`));
        out.push({
          drift,
          control,
          budget,
          arm,
          driftGrowth: estimate(da.map((m) => ({ dataSeed: m.dataSeed, value: m.growth })), s('drift')),
          controlGrowth: estimate(ca.map((m) => ({ dataSeed: m.dataSeed, value: m.growth })), s('control')),
          difference: pairedEstimate(da, ca, (m) => m.growth, s('diff')),
          driftRelGrowth: relGrowth(db),
          controlRelGrowth: relGrowth(cb),
        });
      }
    }
  }
  return out;
}

export interface AllocationEffect {
  stream: StreamId;
  budget: number;
  arm: string;
  allocation: string;
  reference: string;
  meanDeltaNE: Estimate;
  vsReference: PairedEstimate | null;
}

/** Within each (stream, budget, arm) of the ablation's runs: each allocation's gap and its paired difference to `reference`. */
export function allocationEffects(runs: RunMetrics[], reference: string, order: string[]): AllocationEffect[] {
  const out: AllocationEffect[] = [];
  const rs = runs.filter((m) => m.budget !== null);
  for (const [key, ms] of groupBy(rs, (m) => `${m.stream}|${m.budget}|${m.arm}`)) {
    const [stream, budget, arm] = key.split('|');
    const ref = ms.filter((m) => m.allocation === reference);
    for (const [allocation, am] of groupBy(ms, (m) => m.allocation!).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))) {
      const s = (n: string) => seedOf(`${key}|${allocation}|${n}`);
      out.push({
        stream: stream as StreamId,
        budget: Number(budget),
        arm,
        allocation,
        reference,
        meanDeltaNE: estimate(am.map((m) => ({ dataSeed: m.dataSeed, value: m.meanDeltaNE })), s('abs')),
        vsReference: allocation === reference ? null : pairedEstimate(am, ref, (m) => m.meanDeltaNE, s('paired')),
      });
    }
  }
  return out;
}

export interface Trace {
  stream: StreamId;
  budget: number;
  arm: string;
  /** ΔNE% per window: mean over data seeds (each the mean of its runs) with a bootstrap band over data seeds. */
  bands: BandPoint[];
  /** Share of the arm's runs that installed a new serving model (refresh) after each window. */
  refreshShare: Map<number, number>;
}

export function traces(runs: RunMetrics[], allocation: string): Trace[] {
  const out: Trace[] = [];
  const rs = runs.filter((m) => m.budget !== null && m.allocation === allocation);
  for (const [key, ms] of groupBy(rs, (m) => `${m.stream}|${m.budget}|${m.arm}`)) {
    const [stream, budget, arm] = key.split('|');
    const byWindow = new Map<number, Map<number, number[]>>();
    for (const m of ms)
      for (const [w, d] of m.deltaByWindow) {
        const seeds = byWindow.get(w) ?? new Map<number, number[]>();
        seeds.set(m.dataSeed, [...(seeds.get(m.dataSeed) ?? []), d]);
        byWindow.set(w, seeds);
      }
    const perWindow = new Map([...byWindow].map(([w, seeds]) => [w, [...seeds.values()].map((v) => mean(v))]));
    const refreshShare = new Map<number, number>();
    for (const m of ms) for (const w of new Set(m.refreshWindows)) refreshShare.set(w, (refreshShare.get(w) ?? 0) + 1 / ms.length);
    out.push({ stream: stream as StreamId, budget: Number(budget), arm, bands: pointwiseBands(perWindow, { seed: seedOf(key), resamples: 2000, method: 'percentile' }), refreshShare });
  }
  return out;
}

export interface MatchedComparison {
  stream: StreamId;
  budget: number;
  allocation: string;
  arm: string;
  reference: string;
  /** Training FLOPs over a dense-only run, of the arm and of the reference (the compute each paid). */
  trainingVsDenseOnly: number;
  referenceTrainingVsDenseOnly: number;
  meanDeltaNE: PairedEstimate | null;
  pooledDeltaNE: PairedEstimate | null;
}

/**
 * Every arm against the compute-matched baseline (`reference`, prune_once distilled from the co-trained dense model):
 * paired by data seed and init seed within each (stream, budget, allocation) that has the reference.
 */
export function againstReference(runs: RunMetrics[], reference: string, armOrder: string[]): MatchedComparison[] {
  const out: MatchedComparison[] = [];
  for (const [key, ms] of groupBy(runs.filter((m) => m.budget !== null), cellKey)) {
    const ref = ms.filter((m) => m.arm === reference);
    if (!ref.length) continue;
    const [stream, budget, allocation] = key.split('|');
    const compute = (xs: RunMetrics[]) => mean(xs.map((m) => m.trainingFlops / m.denseOnlyTrainingFlops));
    for (const [arm, am] of groupBy(ms, (m) => m.arm).sort(([a], [b]) => armOrder.indexOf(a) - armOrder.indexOf(b))) {
      if (arm === reference) continue;
      const s = (n: string) => seedOf(`${key}|${arm}|vs ${reference}|${n}`);
      out.push({
        stream: stream as StreamId,
        budget: Number(budget),
        allocation,
        arm,
        reference,
        trainingVsDenseOnly: compute(am),
        referenceTrainingVsDenseOnly: compute(ref),
        meanDeltaNE: pairedEstimate(am, ref, (m) => m.meanDeltaNE, s('mean')),
        pooledDeltaNE: pairedEstimate(am, ref, (m) => m.pooledDeltaNE, s('pooled')),
      });
    }
  }
  return out;
}

export interface InitSeedSpread {
  stream: StreamId;
  budget: number;
  allocation: string;
  arm: string;
  /** 'ΔNE %' (the arm's own gap) or 'Δ vs prune_once' (its paired difference, the quantity the headline reports). */
  statistic: 'ΔNE %' | 'Δ vs prune_once';
  initSeeds: number[];
  /** Data seeds that ran under every init seed (the only ones used here). */
  dataSeeds: number;
  /** Spread between data seeds (SD of each data seed's mean over init seeds) and within them (pooled SD over init seeds). */
  betweenDataSD: number;
  withinInitSD: number;
  /** Data seeds whose value has the same sign under every init seed. */
  sameSign: number;
  /** Mean over the data seeds under each init seed (in the order of `initSeeds`). */
  perInitMean: number[];
  /** The mean over data seeds × init seeds with a pigeonhole (two-way) bootstrap CI: both seeds random. */
  crossed: CrossedInterval;
  /** Last init seed − first, paired by data seed, with its CI: a systematic shift would mean the init seed matters beyond noise. */
  initShift: Estimate;
}

/**
 * How much of the spread is the initialisation's: for each (stream, budget, allocation, arm) whose runs cover several
 * init seeds, restricted to the data seeds that ran under all of them, the spread between data seeds against the spread
 * between init seeds of one data seed, for the arm's gap and for its paired difference against prune_once.
 */
export function initSeedSpread(runs: RunMetrics[]): InitSeedSpread[] {
  const out: InitSeedSpread[] = [];
  for (const [key, ms] of groupBy(runs.filter((m) => m.budget !== null), cellKey)) {
    const [stream, budget, allocation] = key.split('|');
    const baseline = new Map(ms.filter((m) => m.arm === BASELINE_ARM).map((m) => [seedKey(m), m.meanDeltaNE]));
    for (const [arm, am] of groupBy(ms, (m) => m.arm)) {
      const initSeeds = [...new Set(am.map((m) => m.initSeed))].sort((a, b) => a - b);
      if (initSeeds.length < 2) continue;
      const statistics: [InitSeedSpread['statistic'], (m: RunMetrics) => number][] = [['ΔNE %', (m) => m.meanDeltaNE]];
      if (arm !== BASELINE_ARM) statistics.push(['Δ vs prune_once', (m) => m.meanDeltaNE - (baseline.get(seedKey(m)) ?? NaN)]);
      for (const [statistic, value] of statistics) {
        // data seed → its value under each init seed, kept only where every init seed has a finite value.
        const under = (xs: RunMetrics[], initSeed: number) => {
          const m = xs.find((x) => x.initSeed === initSeed);
          return m ? value(m) : NaN;
        };
        const byData = groupBy(am, (m) => m.dataSeed)
          .map(([dataSeed, xs]) => ({ dataSeed, values: initSeeds.map((i) => under(xs, i)) }))
          .filter((d) => d.values.every(Number.isFinite));
        if (byData.length < 2) continue;
        const seed = seedOf(`${key}|${arm}|${statistic}|init`);
        out.push({
          stream: stream as StreamId,
          budget: Number(budget),
          allocation,
          arm,
          statistic,
          initSeeds,
          dataSeeds: byData.length,
          betweenDataSD: Math.sqrt(variance(byData.map((d) => mean(d.values)))),
          withinInitSD: Math.sqrt(mean(byData.map((d) => variance(d.values)))),
          sameSign: byData.filter((d) => d.values.every((v) => Math.sign(v) === Math.sign(d.values[0]))).length,
          perInitMean: initSeeds.map((_, k) => mean(byData.map((d) => d.values[k]))),
          crossed: crossedBootstrapCI(byData.map((d) => d.values), { seed }),
          initShift: estimate(byData.map((d) => ({ dataSeed: d.dataSeed, value: d.values[d.values.length - 1] - d.values[0] })), seed),
        });
      }
    }
  }
  return out;
}
