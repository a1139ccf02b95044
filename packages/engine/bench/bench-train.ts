// Training throughput of the engine vs the PyTorch reference (packages/engine/reference/dlrm_reference.py) on
// the same machine, in one invocation, alternating rounds A B A B so that background load hits both alike.
//   npm run bench:train -- --device cpu --threads 2 --batch 512 [--rounds 5] [--seconds 2] [--overlap auto|true|false] [--ort-threads N] [--json] [--no-torch]
// With --json the last stdout line is { samplesPerSec, pytorchSamplesPerSec, ratio, threads, batch, ... }.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTrainer, resolveShape } from '../src/index.js';
import { makeBatch } from '../src/test-support.js';
import { TorchReference } from './torch-reference.js';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
const device = arg('device', 'cpu')!;
const threads = Number(arg('threads', '2'));
const batch = Number(arg('batch', '512'));
const rounds = Number(arg('rounds', '5'));
const secondsPerRound = Number(arg('seconds', '2'));
const json = flag('json');
const overlapArg = arg('overlap', 'auto')!;
// onnxruntime's intra-op threads for the engine (default: --threads). With the row-update worker running
// beside it, --ort-threads 1 keeps the engine's busy threads at 2 on a 2-core machine.
const ortThreads = Number(arg('ort-threads', String(threads)));
const overlap = overlapArg === 'auto' ? 'auto' : overlapArg === 'true';
const log = (...a: unknown[]) => console.error(...a); // progress on stderr; stdout stays parseable
if (device !== 'cpu') throw new Error(`--device ${device}: this benchmark runs the CPU engine (the WebGPU path is issue 8)`);
if (!(threads >= 1 && batch >= 1 && rounds >= 1)) throw new Error('--threads, --batch and --rounds must be ≥ 1');

const PYTHON = '/usr/bin/python3';
const OPENBLAS_DIR = '/usr/lib/x86_64-linux-gnu/openblas-openmp';
const here = dirname(fileURLToPath(import.meta.url));

/** Makes sure Debian's PyTorch and OpenBLAS are present; installs them as root. Returns why not, or undefined. */
function ensureTorch(): string | undefined {
  const probe = () => spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  const blas = () => spawnSync('sh', ['-c', `ls ${OPENBLAS_DIR}/libblas.so.3`]).status === 0;
  if (probe() && blas()) return undefined;
  if (process.getuid?.() !== 0) return 'python3-torch or libopenblas0-openmp is missing and this is not root (apt-get install -y python3-torch libopenblas0-openmp)';
  log('installing python3-torch and libopenblas0-openmp with apt-get …');
  const r = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-openmp'], { stdio: 'inherit' });
  if (r.status !== 0 || !probe() || !blas()) return `apt-get install failed (exit ${r.status})`;
  return undefined;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const shape = resolveShape({ embeddingDim: 16, bottomMlp: [512, 256, 64], topMlp: [512, 256], interaction: 'dot' }, { numDense: 13, tableSizes: Array(26).fill(100_000) });
  log(`reference DLRM: 26 × 100,000 × 16, bottom ${shape.bottom.join('-')}, top ${shape.top.join('-')}, Adagrad lr 0.01; batch ${batch}, ${threads} threads (engine: onnxruntime ${ortThreads} + row-update worker ${overlap}), ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}`);
  const trainer = createTrainer({ shape, seed: 1, optimizer: { kind: 'adagrad', lr: 0.01, eps: 1e-10 }, threads: ortThreads, overlap });
  const batches = Array.from({ length: 8 }, (_, i) => makeBatch(shape, batch, 100 + i));
  let k = 0;
  const engineSteps = (n: number) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) trainer.trainStep(batches[k++ % batches.length]);
    return (performance.now() - t0) / 1000;
  };
  engineSteps(5); // warm-up: first runs allocate onnxruntime's arenas

  const why = flag('no-torch') ? '--no-torch given' : ensureTorch();
  let torch: { ref: TorchReference; info: Record<string, unknown> } | undefined;
  if (why) log(`NO PyTorch reference ran: ${why}`);
  else {
    torch = await TorchReference.start(PYTHON, join(here, '../reference/dlrm_reference.py'), ['--batch', String(batch), '--threads', String(threads)], { ...process.env, LD_LIBRARY_PATH: OPENBLAS_DIR, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) });
    log(`PyTorch ${torch.info.torch}, ${torch.info.threads} threads, BLAS: ${torch.info.blas}`);
    if (torch.info.blas !== 'openblas-openmp' && torch.info.blas !== 'openblas') log(`WARNING: PyTorch is not using OpenBLAS (${torch.info.blas}); the comparison is not meaningful`);
  }
  // Steps per round from a short probe, so that each round lasts about --seconds.
  const probe = engineSteps(3) / 3;
  const steps = Math.max(3, Math.round(secondsPerRound / probe));
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const loadBefore = loadavg()[0];
    if (torch) {
      const t = await torch.ref.run(steps);
      theirs.push((t.steps * batch) / t.seconds);
    }
    ours.push((steps * batch) / engineSteps(steps));
    log(`round ${r + 1}/${rounds}: engine ${ours[r].toFixed(0)} samples/s${torch ? `, PyTorch ${theirs[r].toFixed(0)} samples/s, ratio ${(ours[r] / theirs[r]).toFixed(3)}` : ''} (${steps} steps each, load ${loadBefore.toFixed(2)})`);
  }
  torch?.ref.stop();
  trainer.dispose();
  const samplesPerSec = median(ours);
  const pytorchSamplesPerSec = torch ? median(theirs) : null;
  // The ratio is the median of per-round ratios: each pair of rounds ran back to back under similar load.
  const ratio = torch ? median(ours.map((o, i) => o / theirs[i])) : null;
  const result = {
    samplesPerSec: Math.round(samplesPerSec),
    pytorchSamplesPerSec: pytorchSamplesPerSec === null ? null : Math.round(pytorchSamplesPerSec),
    ratio: ratio === null ? null : Number(ratio.toFixed(3)),
    threads,
    batch,
    overlap,
    ortThreads,
    rounds,
    stepsPerRound: steps,
    engineRounds: ours.map(Math.round),
    pytorchRounds: theirs.map(Math.round),
    pytorchBlas: torch?.info.blas ?? null,
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
  };
  console.log(`engine ${result.samplesPerSec} samples/s, PyTorch ${result.pytorchSamplesPerSec ?? 'n/a'} samples/s, ratio ${result.ratio ?? 'n/a'} (medians of ${rounds} alternating rounds; ratio = median of per-round ratios)`);
  if (json) console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
