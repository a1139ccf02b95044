// The paradigm comparison of docs/results.md: on the synthetic drift stream and on MovieLens-100K (weekly windows),
// at several structured FLOPs budgets, every paradigm over several seeds; mean ± std of the headline figures.
//
//   npx tsx packages/experiment/bench/compare-paradigms.ts [--datasets synthetic,movielens] [--seeds 1,2,3]
//       [--budgets 0.5,0.75,0.9] [--movielens ../shared/data/movielens-100k] [--out out/compare] [--max-windows N]
//       [--paradigms 'd2s r=1,adaptive_d2s'] [--fine-tune N] [--fine-tune-target dense|labels]
//
// Results go to OUT/results.jsonl (one line per run; a rerun skips runs already there) and OUT/results.md.
import { appendFile, mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { experimentConfig, parseConfig, type ExperimentConfig } from '@driftprune/config';
import { countedDeltaNEPct, runExperiment, speedups, type RunSummary, type ServingEval, type WindowMetric } from '../src/index.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const repoRoot = resolve(import.meta.dirname, '../../..');
const datasets = opt('datasets', 'synthetic,movielens').split(',');
const seeds = opt('seeds', '1,2,3').split(',').map(Number);
const budgets = opt('budgets', '0.5,0.75,0.9').split(',').map(Number);
const movielens = resolve(opt('movielens', join(repoRoot, '../shared/data/movielens-100k')));
const outDir = resolve(opt('out', join(repoRoot, 'out/compare')));
const maxWindows = args.includes('--max-windows') ? Number(opt('max-windows', '0')) : undefined;
/** --paradigms 'd2s r=1,adaptive_d2s': only these rows (labels as in the table; dense always runs). */
const only = args.includes('--paradigms') ? opt('paradigms', '').split(',') : undefined;

/**
 * A refreshed sparse model is warm-started from the dense weights. Optional fine-tuning on the latest window
 * (--fine-tune N steps, counted in training compute) is off by default. --fine-tune-target dense (default) distils
 * the dense model's predictions; labels takes a second pass over the window's labels, which memorises the window
 * (docs/results.md § Fine-tuning after a refresh).
 */
const FINE_TUNE = Number(opt('fine-tune', '0'));
const FINE_TUNE_TARGET = opt('fine-tune-target', 'dense');
const REFRESH = { warmStart: true, fineTuneSteps: FINE_TUNE, fineTuneTarget: FINE_TUNE_TARGET };
const SHADOW = { ...REFRESH, shadowWindows: 1 };

/** The paradigms compared, as config fragments (d2s at three periods). */
const PARADIGMS: { label: string; paradigm: Record<string, unknown> }[] = [
  { label: 'prune_once', paradigm: { kind: 'prune_once' } },
  { label: 'gradual', paradigm: { kind: 'gradual', rampWindows: 3, everySteps: 4 } },
  { label: 'sparse_regrow', paradigm: { kind: 'sparse_regrow', r: 1, regrowFraction: 0.1 } },
  { label: 'd2s r=1', paradigm: { kind: 'd2s', r: 1, refresh: REFRESH } },
  { label: 'd2s r=2', paradigm: { kind: 'd2s', r: 2, refresh: REFRESH } },
  { label: 'd2s r=4', paradigm: { kind: 'd2s', r: 4, refresh: REFRESH } },
  { label: 'adaptive_d2s', paradigm: { kind: 'adaptive_d2s', tau: 1.0, jaccardBound: 0.7, rMin: 1, rMax: 4, refresh: REFRESH } },
  // The trigger without requireGrowingGap: any gap above tau fires, the pruning shock included.
  { label: 'adaptive_d2s any-gap', paradigm: { kind: 'adaptive_d2s', tau: 1.0, jaccardBound: 0.7, rMin: 1, rMax: 4, requireGrowingGap: false, refresh: REFRESH } },
  // Shadow refreshes: the new sparse model trains one window alongside the serving one before it takes over.
  { label: 'd2s r=1 shadow', paradigm: { kind: 'd2s', r: 1, refresh: SHADOW } },
  { label: 'd2s r=2 shadow', paradigm: { kind: 'd2s', r: 2, refresh: SHADOW } },
  { label: 'd2s r=4 shadow', paradigm: { kind: 'd2s', r: 4, refresh: SHADOW } },
  { label: 'adaptive_d2s shadow', paradigm: { kind: 'adaptive_d2s', tau: 1.0, jaccardBound: 0.7, rMin: 1, rMax: 4, refresh: SHADOW } },
];

function baseConfig(dataset: string): Record<string, unknown> {
  const common = {
    optimizer: { kind: 'adagrad', lr: 0.05 },
    engine: { threads: 1 },
    // Serving is timed once, at the end, on the final serving model (speed-up is a function of its widths).
    evaluation: { serving: { enabled: true, everyRefresh: false, batchSizes: [1, 64, 512], iterations: 30, threads: 1 } },
    checkpoint: { everyWindows: 0 },
  };
  if (dataset === 'synthetic')
    return {
      ...common,
      data: {
        source: 'synthetic',
        window: 'rows:4000',
        batchSize: 256,
        hashSize: 1000,
        synthetic: { windows: 12, rowsPerWindow: 4000, numDense: 13, numFields: 26, vocabPerField: 500, shiftEvery: 4, shiftScale: 0.5, driftStd: 0.05 },
      },
      model: { embeddingDim: 8, bottomMlp: [64, 32], topMlp: [128, 64] },
      warmup: 2,
    };
  return {
    ...common,
    data: { source: 'movielens', path: movielens, window: 'week', batchSize: 128, hashSize: 2000, positiveRating: 4 },
    model: { embeddingDim: 8, bottomMlp: [32, 16], topMlp: [64, 32] },
    warmup: 4,
  };
}

function makeConfig(dataset: string, seed: number, paradigm: Record<string, unknown>, budget: number | null): ExperimentConfig {
  const { warmup, ...base } = baseConfig(dataset);
  return parseConfig(experimentConfig, {
    ...base,
    name: `compare-${dataset}`,
    seed,
    paradigm: { warmupWindows: warmup, ...paradigm },
    ...(budget === null ? {} : { pruning: { granularity: 'structured', budget, criterion: 'taylor', allocation: 'greedy', minWidth: 4 } }),
  });
}

interface Row {
  dataset: string;
  seed: number;
  budget: number | null;
  label: string;
  summary: RunSummary;
  /** Mean ΔNE% over the second half of the evaluation windows (is the gap growing as the data drifts?). */
  lateDeltaNEPct?: number;
}

const key = (r: Pick<Row, 'dataset' | 'seed' | 'budget' | 'label'>) => `${r.dataset}|${r.seed}|${r.budget}|${r.label}`;

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const resultsPath = join(outDir, 'results.jsonl');
  const done = new Map<string, Row>();
  if (existsSync(resultsPath))
    for (const l of (await readFile(resultsPath, 'utf8')).split('\n').filter(Boolean)) {
      const r = JSON.parse(l) as Row;
      done.set(key(r), r);
    }
  const plan: { dataset: string; seed: number; budget: number | null; label: string; paradigm: Record<string, unknown> }[] = [];
  const unknown = only?.filter((l) => !PARADIGMS.some((p) => p.label === l));
  if (unknown?.length) throw new Error(`--paradigms: unknown ${unknown.join(', ')} (known: ${PARADIGMS.map((p) => p.label).join(', ')})`);
  for (const dataset of datasets)
    for (const seed of seeds) {
      plan.push({ dataset, seed, budget: null, label: 'dense', paradigm: { kind: 'dense' } });
      for (const budget of budgets) for (const p of PARADIGMS) if (!only || only.includes(p.label)) plan.push({ dataset, seed, budget, ...p });
    }
  const t0 = performance.now();
  let ran = 0;
  for (const [i, p] of plan.entries()) {
    if (done.has(key(p))) continue;
    const dir = runDir(p);
    const summary = await runExperiment({ config: makeConfig(p.dataset, p.seed, p.paradigm, p.budget), outDir: dir, maxWindows });
    await rm(join(dir, 'models'), { recursive: true, force: true });
    const row: Row = { dataset: p.dataset, seed: p.seed, budget: p.budget, label: p.label, summary };
    done.set(key(row), row);
    await appendFile(resultsPath, JSON.stringify(row) + '\n');
    ran++;
    const el = (performance.now() - t0) / 1000;
    const left = plan.length - i - 1;
    console.error(
      `[${i + 1}/${plan.length}] ${p.dataset} seed ${p.seed} budget ${p.budget ?? '-'} ${p.label}: mean ΔNE ${summary.meanDeltaNEPct.toFixed(3)} % max ${summary.maxDeltaNEPct.toFixed(3)} %, ` +
        `FLOPs ${(summary.servingFlopsRatio * 100).toFixed(1)} %, ${summary.wallSec.toFixed(1)} s (ETA ${Math.round((el / ran) * left)} s)`,
    );
  }
  // Speed-ups from each run's serving log (median latencies; see speedups()).
  for (const row of done.values()) {
    const log = join(runDir(row), 'serving.jsonl');
    if (!existsSync(log)) continue;
    const evals = (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as ServingEval);
    if (row.label !== 'dense') row.summary.speedupByBatch = speedups(evals);
    const metrics = (await readFile(join(runDir(row), 'metrics.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as WindowMetric);
    row.lateDeltaNEPct = lateGap(metrics);
  }
  await writeFile(join(outDir, 'results.md'), table([...done.values()]));
  console.log(table([...done.values()]));
}

/** Mean ΔNE% over the second half of the evaluation windows (dense reference: 0). */
function lateGap(metrics: WindowMetric[]): number {
  const gaps: number[] = [];
  for (const d of metrics.filter((m) => m.model === 'dense' && !m.warmup)) {
    const s = metrics.find((m) => m.model === 'serving' && m.window === d.window);
    if (!s) gaps.push(0);
    else {
      // Windows left out of the headline figures (one class, too few rows) are left out here too.
      const gap = countedDeltaNEPct(s, d);
      if (gap !== null) gaps.push(gap);
    }
  }
  const late = gaps.slice(Math.floor(gaps.length / 2));
  return late.length ? late.reduce((a, b) => a + b, 0) / late.length : NaN;
}

function runDir(p: Pick<Row, 'dataset' | 'seed' | 'budget' | 'label'>): string {
  return join(outDir, 'runs', `${p.dataset}-s${p.seed}-b${p.budget ?? 0}-${p.label.replace(/[^a-z0-9]+/gi, '_')}`);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1)));
const pm = (xs: number[], d = 2) => (xs.length ? `${mean(xs).toFixed(d)} ± ${std(xs).toFixed(d)}` : '—');

/** One markdown table per dataset: rows = budget × paradigm, columns = mean ± std over seeds. */
export function table(rows: Row[]): string {
  const out: string[] = [];
  for (const dataset of [...new Set(rows.map((r) => r.dataset))]) {
    const rs = rows.filter((r) => r.dataset === dataset);
    const denseCompute = new Map(rs.filter((r) => r.label === 'dense').map((r) => [r.seed, r.summary.trainingFlops]));
    const n = new Set(rs.map((r) => r.seed)).size;
    out.push(`### ${dataset} (${n} seeds: mean ± std)`, '');
    out.push('| budget | paradigm | mean ΔNE % | max ΔNE % | ΔNE % 2nd half | refreshes | serving FLOPs / dense | training compute / dense-only | speed-up b=512 | b=64 |');
    out.push('|---|---|---|---|---|---|---|---|---|---|');
    const groups = new Map<string, Row[]>();
    for (const r of rs) {
      const k = `${r.budget ?? 0}|${r.label}`;
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    const order = ['dense', ...PARADIGMS.map((p) => p.label)];
    const sorted = [...groups].sort(([a], [b]) => {
      const [ba, la] = a.split('|');
      const [bb, lb] = b.split('|');
      return Number(ba) - Number(bb) || order.indexOf(la) - order.indexOf(lb);
    });
    for (const [k, g] of sorted) {
      const [budget, label] = k.split('|');
      const s = g.map((r) => r.summary);
      const compute = g.map((r) => r.summary.trainingFlops / (denseCompute.get(r.seed) ?? NaN));
      out.push(
        `| ${budget === '0' ? '—' : `${Math.round(Number(budget) * 100)} %`} | ${label} | ${pm(s.map((x) => x.meanDeltaNEPct))} | ${pm(s.map((x) => x.maxDeltaNEPct))} | ${pm(g.map((r) => r.lateDeltaNEPct ?? NaN))} | ${pm(s.map((x) => x.refreshes), 1)} | ` +
          `${pm(s.map((x) => x.servingFlopsRatio), 3)} | ${pm(compute)} | ${pm(s.map((x) => x.speedupByBatch?.[512] ?? NaN))} | ${pm(s.map((x) => x.speedupByBatch?.[64] ?? NaN))} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
