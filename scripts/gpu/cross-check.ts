// Whole runs on the webgpu device against the CPU, paradigm by paradigm, through `driftprune run` itself (the CLI's
// main, in this process): for each paradigm's example config
//   cpu       the run on the CPU engine
//   webgpu    the same run with engine.device webgpu
//   gpu→cpu   webgpu for --resume-at windows, then resumed on the CPU from the GPU's checkpoint
//   cpu→gpu   the other way round
// and compares them window by window (compare-runs.ts). Writes OUT/results.json (after every paradigm) and keeps
// each run's folder under OUT/runs/. Exit code 1 when a comparison fails its tolerance.
//
//   npx tsx scripts/gpu/tools.ts cross-check --out DIR [--paradigms dense,d2s:unstructured,...] [--resume-at 5]
//       [--set KEY=VALUE ...] [--dry-run]
// --dry-run: device webgpu runs its graphs on onnxruntime's CPU provider (setWebGpuDeviceProvider): the whole
// device-resident path without a GPU. On a GPU host the bundle (scripts/gpu/bundle.sh) runs it.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PARADIGMS } from '@driftprune/config';
import { probeWebGpu, setWebGpuDeviceProvider } from '@driftprune/engine';
import { main as cli } from 'driftprune/main';
import { compareRuns, DEFAULT_TOLERANCE, readRun, type Comparison } from './compare-runs.js';

export { PARADIGMS };

/** Every paradigm, plus weight masks (unstructured) and a shadow refresh, which no example config uses. */
export const DEFAULT_SPECS = [...PARADIGMS, 'd2s:unstructured', 'sparse_regrow:unstructured', 'adaptive_d2s+paradigm.refresh.shadowWindows=1'];

/**
 * Overrides every run gets: a smooth optimizer start (Adagrad's initial accumulator 0 moves each weight by ±lr on
 * its first update whatever its gradient, so float-order noise flips whole steps: docs/performance.md, GPU parity),
 * a checkpoint at every window (the resume legs need one), few serving iterations (parity is what counts here).
 */
export const COMMON_SETS = ['optimizer.initialAccumulator=0.1', 'checkpoint.everyWindows=1', 'evaluation.serving.iterations=5', 'evaluation.serving.batchSizes=[1,64]'];

export interface CrossCheckOptions {
  out: string;
  paradigms: readonly string[];
  /** Windows the first leg of each resume check runs before the other device takes over. */
  resumeAt: number;
  /** Extra `KEY=VALUE` overrides for every run. */
  sets: string[];
  /** Folder of the example configs (synthetic-<paradigm>.yaml). */
  examples: string;
  log?: (line: string) => void;
}

export interface ParadigmResult {
  paradigm: string;
  seconds: Record<string, number>;
  exitCodes: Record<string, number>;
  webgpuVsCpu: Comparison;
  gpuThenCpuVsCpu: Comparison;
  cpuThenGpuVsGpu: Comparison;
  /** The resumed legs against their own device's full run from the switch on (the checkpoint carried everything). */
  gpuThenCpuVsGpu: Comparison;
  cpuThenGpuVsCpu: Comparison;
  pass: boolean;
}

/**
 * A paradigm to check: `KIND[:unstructured][+KEY=VALUE...]`, e.g. `d2s:unstructured` (weight masks instead of
 * narrower layers) or `d2s+paradigm.refresh.shadowWindows=1` (overrides for this paradigm's runs only).
 */
export function parseSpec(spec: string): { kind: string; granularity?: 'unstructured'; sets: string[] } {
  const [head, ...sets] = spec.split('+');
  const [kind, granularity, ...more] = head.split(':');
  if (!(PARADIGMS as readonly string[]).includes(kind) || (granularity !== undefined && granularity !== 'unstructured') || more.length)
    throw new Error(`bad paradigm '${spec}': use ${PARADIGMS.join(', ')}, optionally with ':unstructured' and '+KEY=VALUE' overrides`);
  return { kind, ...(granularity ? { granularity: 'unstructured' as const } : {}), sets };
}

async function runCli(args: string[]): Promise<{ code: number; seconds: number }> {
  const t0 = performance.now();
  const code = await cli(['run', ...args, '--quiet']);
  return { code, seconds: (performance.now() - t0) / 1000 };
}

export async function crossCheck(o: CrossCheckOptions): Promise<ParadigmResult[]> {
  const log = o.log ?? ((l: string) => console.error(l));
  const results: ParadigmResult[] = [];
  mkdirSync(join(o.out, 'runs'), { recursive: true });
  for (const paradigm of o.paradigms) {
    const { kind, granularity, sets: own } = parseSpec(paradigm);
    const config = join(o.examples, `synthetic-${kind.replace(/_/g, '-')}.yaml`);
    const folder = paradigm.replace(/[^A-Za-z0-9_.-]+/g, '_');
    const dir = (leg: string) => join(o.out, 'runs', folder, leg);
    const sets = [...COMMON_SETS, ...(granularity ? [`pruning.granularity=${granularity}`] : []), ...own, ...o.sets].flatMap((s) => ['--set', s]);
    const on = (device: string) => ['--set', `engine.device=${device}`];
    const seconds: Record<string, number> = {};
    const exitCodes: Record<string, number> = {};
    const leg = async (name: string, args: string[]) => {
      const r = await runCli(args);
      seconds[name] = r.seconds;
      exitCodes[name] = r.code;
      log(`${paradigm} ${name}: exit ${r.code}, ${r.seconds.toFixed(1)} s`);
    };
    for (const d of ['cpu', 'webgpu', 'gpu-then-cpu', 'cpu-then-gpu']) rmSync(dir(d), { recursive: true, force: true });
    await leg('cpu', [config, '--out', dir('cpu'), ...sets, ...on('cpu')]);
    await leg('webgpu', [config, '--out', dir('webgpu'), ...sets, ...on('webgpu')]);
    // Resume legs: the first device stops after resumeAt windows (its checkpoint is at that boundary); the
    // other device resumes from the same folder.
    await leg('gpu-then-cpu/first', [config, '--out', dir('gpu-then-cpu'), ...sets, ...on('webgpu'), '--max-windows', String(o.resumeAt)]);
    cpSync(join(dir('gpu-then-cpu'), 'checkpoint'), join(o.out, 'runs', folder, 'gpu-checkpoint'), { recursive: true });
    await leg('gpu-then-cpu/resumed', [config, '--out', dir('gpu-then-cpu'), ...sets, ...on('cpu'), '--resume']);
    await leg('cpu-then-gpu/first', [config, '--out', dir('cpu-then-gpu'), ...sets, ...on('cpu'), '--max-windows', String(o.resumeAt)]);
    await leg('cpu-then-gpu/resumed', [config, '--out', dir('cpu-then-gpu'), ...sets, ...on('webgpu'), '--resume']);
    const cpu = readRun(dir('cpu'));
    const gpu = readRun(dir('webgpu'));
    const g2c = readRun(dir('gpu-then-cpu'));
    const masks = granularity === 'unstructured';
    const c2g = readRun(dir('cpu-then-gpu'));
    const r: ParadigmResult = {
      paradigm,
      seconds,
      exitCodes,
      webgpuVsCpu: compareRuns(cpu, gpu, DEFAULT_TOLERANCE, 0, masks),
      gpuThenCpuVsCpu: compareRuns(cpu, g2c, DEFAULT_TOLERANCE, 0, masks),
      cpuThenGpuVsGpu: compareRuns(gpu, c2g, DEFAULT_TOLERANCE, 0, masks),
      gpuThenCpuVsGpu: compareRuns(gpu, g2c, DEFAULT_TOLERANCE, 0, masks),
      cpuThenGpuVsCpu: compareRuns(cpu, c2g, DEFAULT_TOLERANCE, 0, masks),
      pass: false,
    };
    r.pass = Object.values(exitCodes).every((c) => c === 0) && r.webgpuVsCpu.pass && r.gpuThenCpuVsCpu.pass && r.cpuThenGpuVsGpu.pass;
    const c = r.webgpuVsCpu;
    log(
      `${paradigm}: ${r.pass ? 'PASS' : 'FAIL'}; webgpu vs cpu over ${c.windows} windows: max rel ΔNE ${c.maxRelNE.toExponential(2)}, ` +
        `max |ΔAUC| ${c.maxAbsAuc.toExponential(2)}, refreshes ${c.refreshesA}/${c.refreshesB}${c.refreshDiffs.length ? ` (${c.refreshDiffs.join('; ')})` : ''}, ` +
        `serving parity ${c.maxServingParity.toExponential(2)}; resumed gpu→cpu ${r.gpuThenCpuVsCpu.maxRelNE.toExponential(2)}, cpu→gpu ${r.cpuThenGpuVsGpu.maxRelNE.toExponential(2)}`,
    );
    results.push(r);
    writeFileSync(join(o.out, 'results.json'), JSON.stringify({ date: new Date().toISOString(), tolerance: DEFAULT_TOLERANCE, commonSets: COMMON_SETS, options: { ...o, log: undefined }, results }, null, 2));
  }
  return results;
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

export async function crossCheckMain(argv: string[]): Promise<number> {
  const out = resolve(flag(argv, 'out') ?? process.env.OUT ?? 'cross-check-out');
  const paradigms = (flag(argv, 'paradigms') ?? DEFAULT_SPECS.join(',')).split(',');
  paradigms.forEach(parseSpec);
  const sets = argv.flatMap((a, i) => (a === '--set' ? [argv[i + 1]] : []));
  if (argv.includes('--dry-run')) setWebGpuDeviceProvider('cpu');
  else {
    const p = probeWebGpu();
    if (!p.available) throw new Error(`no WebGPU adapter (${p.reason}); --dry-run checks the same path on the CPU provider`);
  }
  const results = await crossCheck({ out, paradigms, resumeAt: Number(flag(argv, 'resume-at') ?? 5), sets, examples: resolve(flag(argv, 'examples') ?? 'examples') });
  const failed = results.filter((r) => !r.pass).map((r) => r.paradigm);
  console.error(failed.length ? `cross-check: FAILED for ${failed.join(', ')}` : `cross-check: all ${results.length} paradigms agree`);
  return failed.length ? 1 : 0;
}
