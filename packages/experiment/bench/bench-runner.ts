// Whole runs per paradigm at a mid-size model (issue 14, "Scale is blocked by the runner"): rows/s, wall time,
// user vs system CPU time, page faults and peak RSS of one run, each run in its own child process so that its
// resource usage is its own. Paradigms alternate in rounds (A B C A B C …) so background load hits them alike.
//
//   npm run bench:runner -- [--paradigms dense,prune_once,d2s] [--rounds 2] [--windows 3] [--rows 100000]
//       [--threads 2] [--batch 512] [--hash 100000] [--json]
//
// Model (defaults): 26 fields × 100,000 × 16 embeddings, bottom 13-256-128-16, top 367-512-256-1 (dot), Adagrad,
// synthetic windows of 100,000 rows, warm-up 1 window, structured 75 % taylor/greedy pruning, checkpoints and
// serving evaluation off. d2s trains the dense model and the sparse one every window; prune_once trains the sparse
// model (the dense model still trains as the ΔNE reference, uncounted in training FLOPs but not in wall time).
// With --json the last stdout line is { rows, results: [{ paradigm, medianWallSec, rowsPerSec, ratioToDense, … }] }.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { experimentConfig, parseConfig, type ExperimentConfig } from '@driftprune/config';
import { runExperiment } from '../src/index.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const log = (...a: unknown[]) => console.error(...a);

/** The paradigm fragments this bench knows; d2s refreshes every window (the most refresh work per window). */
const PARADIGMS: Record<string, Record<string, unknown>> = {
  dense: { kind: 'dense' },
  prune_once: { kind: 'prune_once' },
  d2s: { kind: 'd2s', r: 1 },
  gradual: { kind: 'gradual', rampWindows: 1, everySteps: 50 },
  sparse_regrow: { kind: 'sparse_regrow', r: 1 },
  adaptive_d2s: { kind: 'adaptive_d2s', rMin: 1, rMax: 2 },
};

interface BenchSettings {
  windows: number;
  rows: number;
  threads: number;
  batch: number;
  hash: number;
}

export function benchConfig(paradigm: string, s: BenchSettings): ExperimentConfig {
  const p = PARADIGMS[paradigm];
  if (!p) throw new Error(`unknown paradigm '${paradigm}': use ${Object.keys(PARADIGMS).join(', ')}`);
  return parseConfig(experimentConfig, {
    name: `bench-runner ${paradigm}`,
    seed: 1,
    data: {
      source: 'synthetic',
      window: `rows:${s.rows}`,
      batchSize: s.batch,
      hashSize: s.hash,
      synthetic: { windows: s.windows, rowsPerWindow: s.rows, numDense: 13, numFields: 26, vocabPerField: 20_000 },
    },
    model: { embeddingDim: 16, bottomMlp: [256, 128], topMlp: [512, 256] },
    optimizer: { kind: 'adagrad', lr: 0.02 },
    engine: { threads: s.threads },
    paradigm: { ...p, warmupWindows: 1 },
    pruning: { budget: 0.75, granularity: 'structured', criterion: 'taylor', allocation: 'greedy', minWidth: 4 },
    evaluation: { serving: { enabled: false } },
    checkpoint: { everyWindows: 0 },
  });
}

interface OneRun {
  paradigm: string;
  wallSec: number;
  userSec: number;
  systemSec: number;
  minorFaults: number;
  majorFaults: number;
  maxRssMiB: number;
  trainingFlops: number;
  refreshes: number;
}

/** Child mode: one run, resource usage of this process only, one JSON line on stdout. */
async function child(paradigm: string, s: BenchSettings): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dp-bench-runner-'));
  try {
    const u0 = process.resourceUsage();
    const t0 = performance.now();
    const summary = await runExperiment({ config: benchConfig(paradigm, s), outDir: dir });
    const wallSec = (performance.now() - t0) / 1000;
    const u1 = process.resourceUsage();
    const out: OneRun = {
      paradigm,
      wallSec,
      userSec: (u1.userCPUTime - u0.userCPUTime) / 1e6,
      systemSec: (u1.systemCPUTime - u0.systemCPUTime) / 1e6,
      minorFaults: u1.minorPageFault - u0.minorPageFault,
      majorFaults: u1.majorPageFault - u0.majorPageFault,
      maxRssMiB: u1.maxRSS / 1024,
      trainingFlops: summary.trainingFlops,
      refreshes: summary.refreshes,
    };
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const s: BenchSettings = {
    windows: Number(opt('windows', '3')),
    rows: Number(opt('rows', '100000')),
    threads: Number(opt('threads', '2')),
    batch: Number(opt('batch', '512')),
    hash: Number(opt('hash', '100000')),
  };
  const one = opt('one', '');
  if (one) return child(one, s);
  const paradigms = opt('paradigms', 'dense,prune_once,d2s').split(',');
  for (const p of paradigms) benchConfig(p, s); // fail fast on a bad name
  const rounds = Number(opt('rounds', '2'));
  const self = fileURLToPath(import.meta.url);
  log(`bench:runner: ${s.windows} windows × ${s.rows} rows (warm-up 1), 26 × ${s.hash} × 16, bottom 256-128, top 512-256, batch ${s.batch}, ${s.threads} threads; ${cpus().length} cores, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const runs: OneRun[] = [];
  for (let r = 0; r < rounds; r++)
    for (const p of paradigms) {
      const passOn = ['windows', 'rows', 'threads', 'batch', 'hash'].flatMap((k) => [`--${k}`, String(s[k as keyof BenchSettings])]);
      const res = spawnSync(process.execPath, [...process.execArgv, self, '--one', p, ...passOn], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (res.status !== 0) throw new Error(`bench run ${p} failed (exit ${res.status}): ${res.stderr.slice(-2000)}`);
      const run = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as OneRun;
      runs.push(run);
      log(`round ${r + 1} ${p.padEnd(12)} wall ${run.wallSec.toFixed(1)} s, user ${run.userSec.toFixed(1)} s, sys ${run.systemSec.toFixed(1)} s, minor faults ${(run.minorFaults / 1e6).toFixed(2)} M, max RSS ${run.maxRssMiB.toFixed(0)} MiB (load ${loadavg()[0].toFixed(2)})`);
    }
  // Rows of the stream trained by the run (every window, warm-up included), whatever the number of models.
  const rows = s.windows * s.rows;
  const denseWall = paradigms.includes('dense') ? median(runs.filter((r) => r.paradigm === 'dense').map((r) => r.wallSec)) : NaN;
  const results = paradigms.map((p) => {
    const mine = runs.filter((r) => r.paradigm === p);
    const wall = median(mine.map((r) => r.wallSec));
    return {
      paradigm: p,
      medianWallSec: wall,
      rowsPerSec: rows / wall,
      ratioToDense: wall / denseWall,
      medianUserSec: median(mine.map((r) => r.userSec)),
      medianSystemSec: median(mine.map((r) => r.systemSec)),
      medianMinorFaults: median(mine.map((r) => r.minorFaults)),
      maxRssMiB: Math.max(...mine.map((r) => r.maxRssMiB)),
      trainingFlops: mine[0].trainingFlops,
      refreshes: mine[0].refreshes,
    };
  });
  console.log('| paradigm | wall s (median) | rows/s | wall / dense | user s | system s | minor faults | max RSS MiB | refreshes |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results)
    console.log(`| ${r.paradigm} | ${r.medianWallSec.toFixed(1)} | ${Math.round(r.rowsPerSec)} | ${r.ratioToDense.toFixed(2)} | ${r.medianUserSec.toFixed(1)} | ${r.medianSystemSec.toFixed(1)} | ${(r.medianMinorFaults / 1e6).toFixed(2)} M | ${r.maxRssMiB.toFixed(0)} | ${r.refreshes} |`);
  log(`load after: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  if (args.includes('--json')) console.log(JSON.stringify({ rows, settings: s, results }));
}

await main();
