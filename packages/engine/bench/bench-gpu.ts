// The engine's `webgpu` device on a GPU host, in one invocation (see docs/performance.md, "GPU (WebGPU)"):
//   1. parity: the same loss trajectory as the CPU engine for --parity-steps steps of the reference DLRM,
//   2. profile: onnxruntime's per-node profile of training steps (every node's execution provider, kernels per
//      step, where the time goes),
//   3. throughput at each --batch against PyTorch on the same card (packages/engine/reference/dlrm_reference.py
//      --device cuda), alternating rounds A B A B so that clocks and background load hit both alike.
// Results go to --out (a folder; default $OUT or ./bench-gpu-out) as results.json, written after every phase.
// Bundled with esbuild and run by the Node that ../shared/gpu/make-carry.sh packs (the GPU host has no Node):
//   npm run bench:gpu:bundle && (on the host) source .gpu-carry/activate.sh && node .gpu-carry/app/bench-gpu.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import type { Batch } from '@driftprune/data';
import { f32, GraphBuilder, OrtSession } from '@driftprune/onnx';
import type { Trainer } from '../src/api.js';
import { cloneParams, initParams } from '../src/init.js';
import { resolveShape } from '../src/shape.js';
import { makeBatch } from '../src/test-support.js';
import { createTrainer } from '../src/trainer.js';
import type { DlrmShape, ModelParams } from '../src/types.js';
import { checkBatch } from '../src/webgpu/batch.js';
import { probeWebGpu } from '../src/webgpu/probe.js';
import type { GraphVariant } from '../src/webgpu/resident-graph.js';
import { createResidentTrainer, type ResidentTrainer } from '../src/webgpu/trainer.js';
import { TorchReference } from './torch-reference.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const batches = arg('batch', '4096,32768').split(',').map(Number);
const parityBatch = Number(arg('parity-batch', '4096'));
const paritySteps = Number(arg('parity-steps', '100'));
const rounds = Number(arg('rounds', '5'));
const secondsPerRound = Number(arg('seconds', '1.5'));
const phases = new Set(arg('phases', 'upload,parity,profile,throughput').split(','));
const variantNames = arg('variants', 'default,fused,unfused,sparse,fulltable,plain,separate,pertensor,prototype').split(',');
const python = arg('python', 'python3');
// The graph variant the parity phase checks against the CPU engine (default: the engine's default graph).
const parityVariant = arg('parity-variant', 'default');
// --ep cpu --small: a dry run of every phase on this machine (CPU execution provider, a small model, no PyTorch).
const ep = arg('ep', 'webgpu') as 'webgpu' | 'cpu';
const small = process.argv.includes('--small');
const reference = resolve(arg('reference', 'packages/engine/reference/dlrm_reference.py'));
const outDir = resolve(arg('out', process.env.OUT ?? 'bench-gpu-out'));
mkdirSync(outDir, { recursive: true });
const log = (...a: unknown[]) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

// What each formulation buys: the engine's default graph, and the slower ones it replaced.
const VARIANTS: Record<string, { webgpuOptions?: Record<string, string>; graphVariant?: GraphVariant; keepTransposes?: boolean | 'auto' }> = {
  default: {},
  onechunk: { graphVariant: { hostChunkBytes: Infinity } },
  chunk1mb: { graphVariant: { hostChunkBytes: 1024 * 1024 } },
  chunk3mb: { graphVariant: { hostChunkBytes: 3 * 1024 * 1024 } },
  separateout: { graphVariant: { hostOutputs: 'separate' } },
  tworuns: { graphVariant: { stepRuns: 2 } },
  onerun: { graphVariant: { stepRuns: 1 } },
  fused: { keepTransposes: false },
  unfused: { keepTransposes: true },
  novalidate: { webgpuOptions: { validationMode: 'disabled' } },
  cachesimple: { webgpuOptions: { storageBufferCacheMode: 'simple' } },
  plain: { graphVariant: { formulation: 'plain' } },
  separate: { graphVariant: { hostInputs: 'separate' } },
  pertensor: { graphVariant: { denseUpdate: 'per-tensor' } },
  fulltable: { graphVariant: { embeddingUpdate: 'full-table' } },
  sparse: { graphVariant: { embeddingUpdate: 'sparse' } },
  prototype: { graphVariant: { formulation: 'plain', hostInputs: 'separate', denseUpdate: 'per-tensor', embeddingUpdate: 'full-table' } },
};

const results: Record<string, unknown> = { date: new Date().toISOString(), argv: process.argv.slice(2), node: process.version, cores: cpus().length };
const save = () => writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, null, 2));

const shape: DlrmShape = resolveShape({ embeddingDim: 16, bottomMlp: [512, 256, 64], topMlp: [512, 256], interaction: 'dot' }, { numDense: 13, tableSizes: Array(26).fill(small ? 1000 : 100_000) });
const optimizer = { kind: 'adagrad' as const, lr: 0.01, eps: 1e-10 };

/** Learnable labels (a fixed rule on dense and categorical features), so that the loss trajectory moves. */
function labelled(B: number, seed: number): Batch {
  return makeBatch(shape, B, seed, (dense, cat, r) => (dense[r * 13] + 0.5 * dense[r * 13 + 1] + ((cat[r * 26] % 3) - 1) > 0 ? 1 : 0));
}

function gpuName(): string {
  const r = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : `nvidia-smi failed: ${r.error?.message ?? r.stderr}`;
}

function normRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}
const share = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  let k = 0;
  for (let i = 0; i < b.length; i++) if (Math.abs(a[i] - b[i]) > tol) k++;
  return k / b.length;
};

// ---- 1. parity ------------------------------------------------------------------------------------------------

type OptimizerSetting = { kind: 'adagrad'; lr: number; eps: number; initialAccumulator?: number };

/** Loss trajectories of two engines on the same batches, and how far their parameters ended apart. */
function trajectories(name: string, a: () => Trainer, b: () => Trainer, data: Batch[], held: Batch) {
  const run = (make: () => Trainer) => {
    const t = make();
    const t0 = performance.now();
    const loss = data.map((x) => t.trainStep(x));
    const seconds = (performance.now() - t0) / 1000;
    const params = t.getParams();
    const heldOut = t.evalLoss(held);
    t.dispose();
    return { loss, seconds, params, heldOut };
  };
  const x = run(a);
  const y = run(b);
  let maxAbs = 0;
  let maxRel = 0;
  let firstOff = -1;
  x.loss.forEach((c, i) => {
    const d = Math.abs(y.loss[i] - c);
    maxAbs = Math.max(maxAbs, d);
    maxRel = Math.max(maxRel, d / Math.abs(c));
    if (firstOff < 0 && d / Math.abs(c) > 1e-4) firstOff = i;
  });
  const layers = Object.fromEntries([...x.params.bottom, ...x.params.top].map((l, i) => [l.name, normRelErr([...y.params.bottom, ...y.params.top][i].W, l.W)]));
  const r = {
    steps: data.length,
    lossMaxAbsDiff: maxAbs,
    lossMaxRelDiff: maxRel,
    firstStepOffBy1e4: firstOff,
    firstLoss: [x.loss[0], y.loss[0]],
    lastLoss: [x.loss.at(-1), y.loss.at(-1)],
    heldOutLoss: [x.heldOut, y.heldOut],
    // ‖a − b‖ / ‖b‖ per tensor, and the share of embedding entries more than 1e-4 apart.
    paramNormRelErr: { embeddings: normRelErr(y.params.embeddings, x.params.embeddings), ...layers },
    embeddingEntriesOff: share(y.params.embeddings, x.params.embeddings, 1e-4),
    seconds: [x.seconds, y.seconds],
    loss: [x.loss, y.loss],
  };
  log(`${name}: loss ${x.loss[0].toFixed(5)} → ${x.loss.at(-1)!.toFixed(5)} vs ${y.loss[0].toFixed(5)} → ${y.loss.at(-1)!.toFixed(5)}; max rel Δloss ${maxRel.toExponential(2)} (first step off by > 1e-4: ${firstOff}); embeddings ‖Δ‖/‖·‖ ${r.paramNormRelErr.embeddings.toExponential(2)}`);
  return r;
}

function parity() {
  log(`parity: ${paritySteps} steps at batch ${parityBatch}, CPU engine (${cpus().length} threads) vs webgpu`);
  const params = initParams(shape, 1);
  const data = Array.from({ length: paritySteps }, (_, i) => labelled(parityBatch, 1000 + i));
  const held = labelled(parityBatch, 99);
  // overlap off: its worker thread is a separate module file, which this one-file bundle does not carry.
  const cpu = (p: ModelParams, o: OptimizerSetting) => () => createTrainer({ params: p, optimizer: o, threads: cpus().length, overlap: false });
  const gpu = (p: ModelParams, o: OptimizerSetting) => () => createResidentTrainer({ params: p, optimizer: o, threads: 1, ...VARIANTS[parityVariant], executionProvider: ep });
  // The reference setting (Adagrad, initial accumulator 0) moves every weight by ±lr on its first update,
  // whatever the size of its gradient: float-order differences in near-zero gradients flip such steps, and
  // the trajectories separate. The control measures that sensitivity on the CPU engine alone: the same run from
  // parameters perturbed by one part in 10^7 (about one float32 ulp).
  const perturbed = cloneParams(params);
  for (const l of [...perturbed.bottom, ...perturbed.top]) for (let k = 0; k < l.W.length; k++) l.W[k] *= 1 + 1e-7;
  results.parity = {
    batch: parityBatch,
    variant: parityVariant,
    reference: trajectories('parity (reference Adagrad, cpu vs webgpu)', cpu(params, optimizer), gpu(params, optimizer), data, held),
    controlCpuVsPerturbedCpu: trajectories('control (cpu vs cpu from params × (1 + 1e-7))', cpu(params, optimizer), cpu(perturbed, optimizer), data, held),
    // A smooth setting (initial accumulator 0.1): no ±lr first steps, so float noise stays float noise.
    smooth: trajectories('parity (Adagrad, initial accumulator 0.1, cpu vs webgpu)', cpu(params, { ...optimizer, initialAccumulator: 0.1 }), gpu(params, { ...optimizer, initialAccumulator: 0.1 }), data, held),
  };
  save();
}

// ---- 2. profile -----------------------------------------------------------------------------------------------

interface TraceEvent {
  cat: string;
  name: string;
  dur: number;
  ts: number;
  args?: { op_name?: string; provider?: string };
}

function aggregateOther(events: TraceEvent[], steps: number) {
  const by: Record<string, { count: number; us: number }> = {};
  for (const e of events) {
    const k = `${e.cat}:${e.name}`;
    by[k] ??= { count: 0, us: 0 };
    by[k].count++;
    by[k].us += e.dur;
  }
  return Object.entries(by)
    .map(([name, v]) => ({ name, perStep: v.count / steps, usPerStep: v.us / steps }))
    .sort((a, b) => b.usPerStep - a.usPerStep)
    .slice(0, 60);
}

function profile(B: number, steps: number) {
  log(`profile: ${steps} steps at batch ${B}`);
  const prefix = join(outDir, `ort-profile-b${B}`);
  // One run per step: the profile then holds every node of the step in one session (with two runs, only the
  // forward run's session is profiled).
  const t = createResidentTrainer({ shape, seed: 1, optimizer, threads: 1, profileFilePrefix: prefix, executionProvider: ep, graphVariant: { stepRuns: 1 } });
  const data = Array.from({ length: 4 }, (_, i) => labelled(B, 2000 + i));
  for (let i = 0; i < steps; i++) t.trainStep(data[i % data.length]);
  const path = t.endProfiling();
  t.dispose();
  const events = JSON.parse(readFileSync(path, 'utf8')) as TraceEvent[];
  const runs = events.filter((e) => e.name === 'model_run');
  const nodes = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
  // Steady state: the second half of the runs.
  const from = runs[Math.floor(runs.length / 2)]?.ts ?? 0;
  const steady = nodes.filter((e) => e.ts >= from);
  const steadyRuns = runs.filter((e) => e.ts >= from);
  const byProvider: Record<string, number> = {};
  const cpuNodes = new Set<string>();
  const byOp: Record<string, { count: number; us: number }> = {};
  for (const e of steady) {
    const p = e.args?.provider ?? '?';
    byProvider[p] = (byProvider[p] ?? 0) + 1;
    if (p !== 'WebGpuExecutionProvider' && ep === 'webgpu') cpuNodes.add(`${e.args?.op_name}:${e.name.replace(/_kernel_time$/, '')}`);
    const op = `${e.args?.op_name}@${p.replace('ExecutionProvider', '')}`;
    byOp[op] ??= { count: 0, us: 0 };
    byOp[op].count++;
    byOp[op].us += e.dur;
  }
  const n = Math.max(1, steadyRuns.length);
  const runUs = steadyRuns.reduce((a, e) => a + e.dur, 0) / n;
  // Host time between one run's end and the next run's start (JS, input conversion, output hand-back).
  const gaps = steadyRuns.slice(1).map((e, i) => e.ts - (steadyRuns[i].ts + steadyRuns[i].dur));
  const gapMs = gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length / 1000 : null;
  results[`profile_b${B}`] = {
    file: path,
    runs: runs.length,
    steadyRuns: steadyRuns.length,
    meanRunMs: runUs / 1000,
    meanGapBetweenRunsMs: gapMs,
    // The WebGPU EP's GPU timestamps ('Api' events): kernel time on the card per step.
    gpuKernelMsPerStep: events.filter((e) => e.cat === 'Api' && e.ts >= from).reduce((a, e) => a + e.dur, 0) / n / 1000,
    gpuKernelsPerStep: events.filter((e) => e.cat === 'Api' && e.ts >= from).length / n,
    kernelsPerStep: steady.length / n,
    nodesPerStepByProvider: Object.fromEntries(Object.entries(byProvider).map(([k, v]) => [k, v / n])),
    nonWebGpuNodes: [...cpuNodes],
    opsByHostTime: Object.entries(byOp)
      .map(([op, v]) => ({ op, perStep: v.count / n, usPerStep: v.us / n }))
      .sort((a, b) => b.usPerStep - a.usPerStep),
    eventCats: [...new Set(events.map((e) => e.cat))],
    // Events that are neither nodes nor session phases (the WebGPU EP's GPU timestamps, where it records them).
    otherEventsByTime: aggregateOther(events.filter((e) => e.ts >= from && e.cat !== 'Node' && e.cat !== 'Session'), n),
  };
  log(`profile: GPU kernel time ${(events.filter((e) => e.cat === 'Api' && e.ts >= from).reduce((a, e) => a + e.dur, 0) / n / 1000).toFixed(2)} ms per step, host gap between runs ${gapMs?.toFixed(2)} ms`);
  log(`profile: ${(steady.length / n).toFixed(0)} nodes per step, by provider ${JSON.stringify(byProvider)}; non-WebGPU: ${[...cpuNodes].join(', ') || 'none'}; model_run ${(runUs / 1000).toFixed(2)} ms`);
  save();
}

// ---- upload: what one host input of n floats costs a WebGPU run ----------------------------------------------

/**
 * A graph of k host inputs (Concat → ReduceSum → cpu): run time by input size isolates the host→device copy, and
 * the same bytes in several pieces show whether the cost is per byte or per large staging buffer (Dawn's Vulkan
 * backend sub-allocates buffers up to 4 MiB and gives larger ones their own device-memory allocation).
 */
function upload() {
  const MB = 1024 * 1024;
  const cases: [string, number[]][] = [
    ['16 B', [4]],
    ['0.66 MB (batch 4096)', [163_840]],
    ['2 MiB', [MB / 2]],
    ['3.9 MiB', [998_400]],
    ['4.1 MiB', [1_075_200]],
    ['5.2 MB (batch 32768)', [1_310_720]],
    ['5.2 MB as 2 pieces', [655_360, 655_360]],
    ['5.2 MB as 4 pieces', Array(4).fill(327_680)],
    ['10.5 MB', [2_621_440]],
    ['10.5 MB as 4 pieces', Array(4).fill(655_360)],
  ];
  const out: Record<string, number> = {};
  for (const [label, pieces] of cases) {
    const g = new GraphBuilder(`upload_${pieces.join('_')}`);
    const xs = pieces.map((n, i) => g.input(`x${i}`, [n]));
    g.output(g.reduceSum(xs.length === 1 ? xs[0] : g.concat(xs, 0), [0]), 'y', []);
    const s = new OrtSession(g.build(), { executionProviders: [ep], threads: 1 });
    const feeds = Object.fromEntries(pieces.map((n, i) => [`x${i}`, f32(new Float32Array(n).fill(1), [n])]));
    for (let i = 0; i < 5; i++) s.run(feeds, { y: null });
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) s.run(feeds, { y: null });
    out[label] = (performance.now() - t0) / 50;
    s.dispose();
  }
  // What a second host-bound output costs (the training step returned the loss and the bad-id flag separately).
  for (const outputs of [1, 2, 3]) {
    const g = new GraphBuilder(`download_${outputs}`);
    const x = g.input('x', [4]);
    for (let k = 0; k < outputs; k++) g.output(g.reduceSum(g.mul(x, g.scalar(k + 1, `c${k}`)), [0]), `y${k}`, []);
    const s = new OrtSession(g.build(), { executionProviders: [ep], threads: 1 });
    const feeds = { x: f32(new Float32Array(4).fill(1), [4]) };
    const fetches = Object.fromEntries(Array.from({ length: outputs }, (_, k) => [`y${k}`, null]));
    for (let i = 0; i < 5; i++) s.run(feeds, fetches);
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) s.run(feeds, fetches);
    out[`16 B in, ${outputs} scalar output${outputs > 1 ? 's' : ''}`] = (performance.now() - t0) / 50;
    s.dispose();
  }
  results.upload = { msPerRunByHostInput: out };
  log(`upload: ms per run by host input ${JSON.stringify(out)}`);
  save();
}

// ---- overlap: does a run without host outputs return before the GPU is done? -----------------------------------

/**
 * A run whose only output stays in a GPU buffer might return as soon as its work is recorded, so that the next
 * run's host→device copy overlaps the GPU (the split the docs name as the way past the upload at batch 32768).
 * Heavy: four [8192, 2048] × [2048, 2048] products (~275 GFLOP). Timed: heavy with a GPU-only output, heavy with a
 * scalar host output, and each followed by a 5.2 MB upload run (the batch-32768 host vector).
 */
function overlap() {
  const build = (hostOutput: boolean) => {
    const g = new GraphBuilder(`overlap_heavy_${hostOutput}`);
    const x = g.input('x', [1, 2048]);
    const W = g.initializer('W', 'float32', [2048, 2048], Float32Array.from({ length: 2048 * 2048 }, (_, i) => ((i % 7) - 3) * 1e-3));
    const rows = small ? 64 : 8192; // --small: a dry run on the CPU
    let y = g.node('Expand', [x, g.ints([rows, 2048], 'rows')])[0];
    for (let k = 0; k < 4; k++) y = g.matmul(y, W);
    g.output(y, 'y', [rows, 2048]);
    // The host output reads one row (a full reduction to a scalar would add its own slow single-workgroup kernel).
    if (hostOutput) g.output(g.reduceSum(g.gather(y, g.ints([0], 'row0'), 0), [0, 1]), 's', []);
    const location = ep === 'webgpu' ? { preferredOutputLocation: { y: 'gpu-buffer' as const } } : {};
    return new OrtSession(g.build(), { executionProviders: [ep], threads: 1, ...location });
  };
  const heavy = build(false);
  const heavyHost = build(true);
  const u = new GraphBuilder('overlap_upload');
  u.output(u.reduceSum(u.input('b', [1_310_720]), [0]), 'r', []);
  const upload = new OrtSession(u.build(), { executionProviders: [ep], threads: 1 });
  const feeds = { x: f32(new Float32Array(2048).fill(0.01), [1, 2048]) };
  const bFeeds = { b: f32(new Float32Array(1_310_720).fill(1), [1_310_720]) };
  const time = (label: string, fn: () => void, n = 20) => {
    for (let i = 0; i < 3; i++) fn();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    out[label] = (performance.now() - t0) / n;
  };
  const out: Record<string, number> = {};
  const gpuOnly = () => heavy.run(feeds, { y: null }).y.dispose();
  const withHost = () => {
    const r = heavyHost.run(feeds, { y: null, s: null });
    r.y.dispose();
  };
  time('heavy, GPU-only output', gpuOnly);
  time('heavy, GPU output + scalar host output', withHost);
  time('5.2 MB upload run alone', () => upload.run(bFeeds, { r: null }));
  time('heavy GPU-only, then the upload run', () => {
    gpuOnly();
    upload.run(bFeeds, { r: null });
  });
  const tiny = new GraphBuilder('overlap_tiny');
  tiny.output(tiny.reduceSum(tiny.input('t', [4]), [0]), 'r', []);
  const tinyRun = new OrtSession(tiny.build(), { executionProviders: [ep], threads: 1 });
  const tFeeds = { t: f32(new Float32Array(4).fill(1), [4]) };
  time('16-byte run alone', () => tinyRun.run(tFeeds, { r: null }));
  time('heavy GPU-only, then the 16-byte run (waits for the GPU)', () => {
    gpuOnly();
    tinyRun.run(tFeeds, { r: null });
  });
  tinyRun.dispose();
  time('heavy with host output, then the upload run', () => {
    withHost();
    upload.run(bFeeds, { r: null });
  });
  heavy.dispose();
  heavyHost.dispose();
  upload.dispose();
  results.overlap = { msPerRun: out };
  log(`overlap: ms per run ${JSON.stringify(out)}`);
  save();
}

// ---- levers: what half precision and graph capture would offer, before building either ----------------------

/**
 * 1. Matrix products in float16 against float32 on onnxruntime's WebGPU EP: a chain of 8 [B, 512] × [512, 512]
 *    products whose output stays on the device (per-product time, the step's dominant kernel shape), and the error
 *    of one float16 product against float32 (K = 512: ~1e-3 relative says float16 accumulation, ~1e-4 float32).
 * 2. Graph capture (`ep.webgpuexecutionprovider.enableGraphCapture`): whether a session accepts it with a device
 *    input handed over from another session, and whether a replay sees the new input.
 */
function levers() {
  const out: Record<string, unknown> = {};
  const B = small ? 256 : 32768;
  const N = 512;
  const W = Float32Array.from({ length: N * N }, (_, i) => (((i * 7919) % 1000) / 1000 - 0.5) * 0.09);
  const X = Float32Array.from({ length: B * N }, (_, i) => (((i * 104729) % 1000) / 1000 - 0.5));
  const chain = (half: boolean, depth: number) => {
    const g = new GraphBuilder(`chain_${half ? 'f16' : 'f32'}_${depth}`);
    let x = g.input('x', [B, N]);
    let w = g.initializer('W', 'float32', [N, N], W);
    if (half) {
      x = g.node('Cast', [x], { to: 10 })[0];
      w = g.node('Cast', [w], { to: 10 })[0];
    }
    for (let k = 0; k < depth; k++) x = g.matmul(x, w);
    if (half) x = g.node('Cast', [x], { to: 1 })[0];
    g.output(x, 'y', [B, N]);
    g.output(g.reduceSum(g.gather(x, g.ints([0], 'row0'), 0), [0, 1]), 's', []);
    return g.build();
  };
  const feeds = { x: f32(X, [B, N]) };
  for (const half of [false, true]) {
    const label = half ? 'float16' : 'float32';
    try {
      const loc = ep === 'webgpu' ? { preferredOutputLocation: { y: 'gpu-buffer' as const } } : {};
      const s8 = new OrtSession(chain(half, 8), { executionProviders: [ep], threads: 1, ...loc });
      const s1 = new OrtSession(chain(half, 1), { executionProviders: [ep], threads: 1, ...loc });
      const time = (s: OrtSession, n = 20) => {
        for (let i = 0; i < 3; i++) s.run(feeds, { y: null, s: null }).y.dispose?.();
        const t0 = performance.now();
        for (let i = 0; i < n; i++) s.run(feeds, { y: null, s: null }).y.dispose?.();
        return (performance.now() - t0) / n;
      };
      const t8 = time(s8);
      const t1 = time(s1);
      out[`${label} matmul [${B},${N}]x[${N},${N}] ms`] = (t8 - t1) / 7;
      out[`${label} TFLOP/s`] = (2 * B * N * N) / (((t8 - t1) / 7) * 1e-3) / 1e12;
      s8.dispose();
      s1.dispose();
      if (half) {
        // One product on the CPU-visible path: float16 against float32, relative to the float32 values' scale.
        const one = (h: boolean) => new OrtSession(chain(h, 1), { executionProviders: [ep], threads: 1 }).run(feeds, { y: null }).y.data as Float32Array;
        const a = one(false);
        const b = one(true);
        let num = 0;
        let den = 0;
        for (let i = 0; i < a.length; i++) {
          num = Math.max(num, Math.abs(a[i] - b[i]));
          den = Math.max(den, Math.abs(a[i]));
        }
        out['float16 product max |Δ| / max |y| (K = 512)'] = num / den;
      }
    } catch (e) {
      out[`${label} error`] = e instanceof Error ? e.message.split('\n')[0] : String(e);
    }
  }
  // Graph capture: would a captured step work? It needs inputs at fixed device addresses: (a) a run writing into a
  // preallocated device tensor (the batch uploaded into one fixed buffer), (b) a captured session (device input and
  // output) whose replays see the new contents of that buffer, (c) preallocated device outputs of a captured run.
  const cap: Record<string, unknown> = {};
  out.graphCapture = cap;
  const step = (name: string, fn: () => unknown) => {
    try {
      cap[name] = fn();
    } catch (e) {
      cap[name] = { error: e instanceof Error ? e.message.split('\n').slice(0, 2).join(' | ') : String(e) };
    }
  };
  const onGpu = (names: string[]) => (ep === 'webgpu' ? { preferredOutputLocation: Object.fromEntries(names.map((n) => [n, 'gpu-buffer' as const])) } : {});
  const gu = new GraphBuilder('cap_upload');
  gu.output(gu.mul(gu.input('h', [4]), gu.scalar(1, 'one')), 'd', [4]);
  const gr = new GraphBuilder('cap_read');
  gr.output(gr.mul(gr.input('x', [4]), gr.scalar(1, 'one')), 'y', [4]);
  const gc = new GraphBuilder('cap_body');
  gc.output(gc.add(gc.mul(gc.input('d', [4]), gc.scalar(2, 'two')), gc.scalar(1, 'one')), 'z', [4]);
  let U: OrtSession | undefined, R: OrtSession | undefined, C: OrtSession | undefined;
  const host = (v: number) => ({ h: f32(new Float32Array(4).fill(v), [4]) });
  const read = (t: { dims: readonly number[] }) => Array.from(R!.run({ x: t as never }, { y: null }).y.data as Float32Array);
  step('sessions', () => {
    U = new OrtSession(gu.build(), { executionProviders: [ep], threads: 1, ...onGpu(['d']) });
    R = new OrtSession(gr.build(), { executionProviders: [ep], threads: 1 });
    C = new OrtSession(gc.build(), { executionProviders: [ep], threads: 1, ...onGpu(['z']), config: { 'ep.webgpuexecutionprovider.enableGraphCapture': '1' } });
    return 'created';
  });
  let d0: ReturnType<OrtSession['run']>[string] | undefined;
  step('upload', () => {
    d0 = U!.run(host(1), { d: null }).d;
    return { location: d0.location, read: read(d0) };
  });
  step('(a) preallocated device fetch', () => {
    const r = U!.run(host(2), { d: d0! }).d;
    return { sameTensor: r === d0, read: read(d0!) };
  });
  step('(b) captured runs see new contents', () => {
    const z0 = C!.run({ d: d0! }, { z: null }).z;
    const first = read(z0);
    U!.run(host(3), { d: d0! });
    const z1 = C!.run({ d: d0! }, { z: null }).z;
    const second = read(z1);
    U!.run(host(4), { d: d0! });
    const z2 = C!.run({ d: d0! }, { z: null }).z;
    return { expected: [[5, 5, 5, 5], [7, 7, 7, 7], [9, 9, 9, 9]], got: [first, second, read(z2)], z0IsZ1: z0 === z1 };
  });
  step('(c) captured run into a preallocated device output', () => {
    const zPre = U!.run(host(0), { d: null }).d;
    U!.run(host(5), { d: d0! });
    C!.run({ d: d0! }, { z: zPre });
    return { expected: [11, 11, 11, 11], got: read(zPre) };
  });
  for (const s of [U, R, C]) s?.dispose();
  results.levers = out;
  log(`levers: ${JSON.stringify(out)}`);
  save();
}

// ---- 3. throughput vs PyTorch ---------------------------------------------------------------------------------

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function throughput(B: number) {
  log(`throughput at batch ${B}: variants ${variantNames.join(', ')} vs PyTorch CUDA`);
  const data = Array.from({ length: 8 }, (_, i) => makeBatch(shape, B, 100 + i));
  // Host-side work per step that is not onnxruntime's: the batch checks (ids in range).
  let t0 = performance.now();
  for (const b of data) checkBatch(shape, b, true);
  const checkMs = (performance.now() - t0) / data.length;
  const trainers: Record<string, ResidentTrainer> = {};
  const setup: Record<string, number> = {};
  const failed: Record<string, string> = {};
  for (const v of variantNames) {
    t0 = performance.now();
    try {
      trainers[v] = createResidentTrainer({ shape, seed: 1, optimizer, threads: 1, ...VARIANTS[v], executionProvider: ep, timeSteps: true });
      for (let i = 0; i < 10; i++) trainers[v].trainStep(data[i % data.length]);
      setup[v] = (performance.now() - t0) / 1000;
    } catch (e) {
      failed[v] = e instanceof Error ? e.message.split('\n')[0] : String(e);
      log(`variant ${v} failed: ${failed[v]}`);
      trainers[v]?.dispose();
      delete trainers[v];
    }
  }
  const live = variantNames.filter((v) => trainers[v]);
  let k = 0;
  const steps = (t: ResidentTrainer, n: number) => {
    const s = performance.now();
    for (let i = 0; i < n; i++) t.trainStep(data[k++ % data.length]);
    return (performance.now() - s) / 1000;
  };
  const probe = steps(trainers[live[0]], 5) / 5;
  const n = Math.max(5, Math.round(secondsPerRound / probe));
  let torch: { ref: TorchReference; info: Record<string, unknown> } | undefined;
  try {
    if (ep === 'cpu') throw new Error('--ep cpu: a dry run, PyTorch CUDA is not asked for');
    torch = await TorchReference.start(python, reference, ['--batch', String(B), '--device', 'cuda', '--threads', '4', '--warmup', '10'], { ...process.env, PYTHONUNBUFFERED: '1' });
    log(`PyTorch ${torch.info.torch} on ${torch.info.gpu}`);
  } catch (e) {
    log(`NO PyTorch reference: ${e instanceof Error ? e.message : e}`);
  }
  const ours: Record<string, number[]> = Object.fromEntries(live.map((v) => [v, []]));
  const theirs: number[] = [];
  const torchSteps = Math.max(5, n);
  for (let r = 0; r < rounds; r++) {
    if (torch) {
      const t = await torch.ref.run(torchSteps);
      theirs.push((t.steps * B) / t.seconds);
    }
    for (const v of live) ours[v].push((n * B) / steps(trainers[v], n));
    log(`round ${r + 1}/${rounds}: ${live.map((v) => `${v} ${ours[v][r].toFixed(0)}`).join(', ')}${torch ? `, PyTorch ${theirs[r].toFixed(0)}` : ''} samples/s (${n} steps each)`);
  }
  torch?.ref.stop();
  const stepTimes = Object.fromEntries(live.map((v) => {
    const st = trainers[v].stepTimes!;
    return [v, { prepareMs: st.prepareMs / st.steps, runMs: st.runMs / st.steps, afterMs: st.afterMs / st.steps }];
  }));
  log(`step time split (ms: prepare / run / after): ${live.map((v) => `${v} ${stepTimes[v].prepareMs.toFixed(2)} / ${stepTimes[v].runMs.toFixed(2)} / ${stepTimes[v].afterMs.toFixed(2)}`).join(', ')}`);
  for (const t of Object.values(trainers)) t.dispose();
  const pt = theirs.length ? median(theirs) : null;
  results[`throughput_b${B}`] = {
    batch: B,
    stepsPerRound: n,
    rounds,
    pytorch: pt === null ? null : Math.round(pt),
    pytorchRounds: theirs.map(Math.round),
    pytorchInfo: torch?.info ?? null,
    failedVariants: failed,
    stepTimes,
    variants: Object.fromEntries(
      live.map((v) => [v, { samplesPerSec: Math.round(median(ours[v])), rounds: ours[v].map(Math.round), ratio: pt === null ? null : Number((median(ours[v].map((o, i) => o / theirs[i]))).toFixed(3)), setupSeconds: setup[v], stepMs: (B / median(ours[v])) * 1000 }]),
    ),
    hostCheckMsPerStep: checkMs,
    uploadBytesPerStep: B * (shape.numDense * 4 + shape.tableSizes.length * 4 + 4),
  };
  save();
}

async function main() {
  const p = probeWebGpu();
  results.gpu = gpuName();
  results.probe = p;
  log(`GPU: ${results.gpu}; WebGPU adapter: ${p.available ? `yes (${p.ms.toFixed(0)} ms)` : `NO — ${p.reason}`}`);
  save();
  if (!p.available && ep === 'webgpu') throw new Error(`no WebGPU adapter: ${p.reason}`);
  const run = async (name: string, fn: () => unknown) => {
    try {
      await fn();
    } catch (e) {
      log(`${name} FAILED: ${e instanceof Error ? e.stack : e}`);
      results[`${name}_error`] = e instanceof Error ? e.message : String(e);
      save();
    }
  };
  if (phases.has('upload')) await run('upload', upload);
  if (phases.has('overlap')) await run('overlap', overlap);
  if (phases.has('levers')) await run('levers', levers);
  if (phases.has('profile')) for (const B of batches) await run(`profile_b${B}`, () => profile(B, 30));
  if (phases.has('parity')) await run('parity', parity);
  if (phases.has('throughput')) for (const B of batches) await run(`throughput_b${B}`, () => throughput(B));
  log(`done: ${join(outDir, 'results.json')}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
