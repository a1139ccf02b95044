// Time to answer: the wall time of a paradigm comparison's large runs on one device, and where it goes. Each
// paradigm runs as its own `driftprune run` child process under Node's sampling profiler (--cpu-prof). Every
// `session.run` is synchronous, so a sample's JS stack says what the process was doing, the GPU's work included
// (the host waits inside the step that needs the result). Samples are attributed to the outermost matching
// function on their stack (CATEGORIES); producing the batches is timed on its own by iterating the stream once.
//
//   npx tsx scripts/gpu/tools.ts answer --out DIR [--device webgpu|cpu] [--paradigms dense,prune_once,...]
//       [--config FILE | --windows 16 --rows 100000] [--batch 512] [--threads 2] [--parallel N] [--set KEY=VALUE ...]
// Without --config: issue 14's mid-size model (26 fields × 100,000 × 16 embeddings, bottom 256-128-16, top
// 512-256) on synthetic windows, checkpoints off, the serving evaluation once at the end, as the paradigm
// comparison runs them. Writes DIR/answer.json (after every paradigm) and DIR/runs/<paradigm>/.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { PARADIGMS, parseConfig, experimentConfig, parseYamlText, setPath } from '@driftprune/config';
import { openStream } from '@driftprune/data';

/** Outermost match wins: a readback inside a refresh counts as refresh work. */
export const CATEGORIES: [string, RegExp][] = [
  ['serving evaluation', /^(servingEval|evaluateServing|exportServingModel)$/],
  ['refresh (prune, regrow, new model)', /^(deriveFromDense|pruneDense|regrow\w*|pruneFurther|promoteShadow|installServing|installShadow|setServingMasks|prune|probeGradients|fineTune|setMasks|setParams)$/],
  ['checkpoint', /^(checkpoint|saveCheckpoint|loadCheckpoint)$/],
  ['training steps', /^trainStep$/],
  ['evaluation (predict)', /^(predict|evalLoss)$/],
  ['state readback (getParams …)', /^(getParams|getOptimizerState|getTaylorScores)$/],
  // The stream: opening it (vocabularies, file indexes), generating or parsing rows, cutting batches.
  ['data (stream, parsing)', /^(openStream|open[A-Z]\w*|SyntheticGenerator|states|row|generate|batches|windows|window|\w+Windows|materializedWindow|readChunks|parse\w*)$/],
  ['garbage collection', /^\(garbage collector\)$/],
  ['idle', /^\(idle\)$/],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Seconds per category (plus 'other') of a V8 CPU profile. */
export function attribute(profile: CpuProfile): Record<string, number> {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, string>();
  const categoryOf = (id: number): string => {
    const hit = memo.get(id);
    if (hit) return hit;
    let found = 'other';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)!.callFrame.functionName;
      const c = CATEGORIES.find(([, re]) => re.test(name));
      if (c) found = c[0]; // keep walking up: the outermost match wins
    }
    memo.set(id, found);
    return found;
  };
  const out: Record<string, number> = {};
  const otherSelf: Record<string, number> = {};
  profile.samples.forEach((id, i) => {
    const c = categoryOf(id);
    const s = (profile.timeDeltas[i] ?? 0) / 1e6;
    out[c] = (out[c] ?? 0) + s;
    if (c === 'other') {
      const f = byId.get(id)!.callFrame.functionName || '(anonymous)';
      otherSelf[f] = (otherSelf[f] ?? 0) + s;
    }
  });
  const top = Object.entries(otherSelf).sort((a, b) => b[1] - a[1]).slice(0, 12);
  return { ...out, ...Object.fromEntries(top.map(([f, v]) => [`other: ${f} (self)`, v])) };
}

/**
 * CPU seconds (user + system) of this process's finished children, from /proc/self/stat (cutime + cstime, in
 * clock ticks of 1/100 s on Linux; null elsewhere): a figure that load on a shared machine does not inflate, unlike
 * wall time.
 */
export function childrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields after the name start at 3 (state); cutime and cstime are fields 16 and 17.
    return (Number(f[16 - 3]) + Number(f[17 - 3])) / 100;
  } catch {
    return null;
  }
}

function flag(argv: string[], name: string, fallback?: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
}

export function midConfig(o: { windows: number; rows: number; batch: number; device: string; threads: number }): Record<string, unknown> {
  return {
    name: `answer-mid-${o.windows}x${o.rows}`,
    seed: 1,
    data: { source: 'synthetic', window: `rows:${o.rows}`, batchSize: o.batch, hashSize: 100_000, synthetic: { windows: o.windows, rowsPerWindow: o.rows, vocabPerField: 100_000 } },
    model: { embeddingDim: 16, bottomMlp: [256, 128], topMlp: [512, 256] },
    optimizer: { kind: 'adagrad', lr: 0.02 },
    engine: { device: o.device, threads: o.threads },
    evaluation: { serving: { enabled: true, everyRefresh: false, iterations: 30, batchSizes: [1, 64, 512] } },
    checkpoint: { everyWindows: 0 },
    paradigm: { kind: 'dense', warmupWindows: 2 },
    pruning: { budget: 0.75, criterion: 'taylor' },
  };
}

export async function answerMain(argv: string[]): Promise<number> {
  const out = resolve(flag(argv, 'out', process.env.OUT ?? 'answer-out')!);
  const device = flag(argv, 'device', 'webgpu')!;
  const paradigms = flag(argv, 'paradigms', PARADIGMS.join(','))!.split(',');
  const sets = argv.flatMap((a, i) => (a === '--set' ? [argv[i + 1]] : []));
  mkdirSync(out, { recursive: true });
  const log = (l: string) => console.error(`[answer ${new Date().toISOString().slice(11, 19)}] ${l}`);
  let raw: Record<string, unknown>;
  const file = flag(argv, 'config');
  if (file) raw = parseYamlText(readFileSync(file, 'utf8'), file) as Record<string, unknown>;
  else raw = midConfig({ windows: Number(flag(argv, 'windows', '16')), rows: Number(flag(argv, 'rows', '100000')), batch: Number(flag(argv, 'batch', '512')), device, threads: Number(flag(argv, 'threads', '2')) });
  raw = setPath(raw, 'engine.device', device);
  for (const s of sets) {
    const eq = s.indexOf('=');
    raw = setPath(raw, s.slice(0, eq), parseYamlText(s.slice(eq + 1), `--set ${s}`));
  }
  const config = parseConfig(experimentConfig, raw, 'answer config');
  const configPath = join(out, 'config.yaml');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const results: Record<string, unknown> = { date: new Date().toISOString(), device, cores: cpus().length, cpu: cpus()[0]?.model, argv, config };
  const save = () => writeFileSync(join(out, 'answer.json'), JSON.stringify(results, null, 2));

  // Producing every batch once (the runner reads each window twice: the evaluation pass and the training pass).
  let t0 = performance.now();
  let rows = 0;
  const stream = await openStream(config.data, { seed: config.seed });
  for await (const w of stream.windows()) for await (const b of w.batches({ batchSize: config.data.batchSize })) rows += b.size;
  results.data = { rows, secondsForOnePass: (performance.now() - t0) / 1000 };
  log(`data: ${rows} rows in ${(results.data as { secondsForOnePass: number }).secondsForOnePass.toFixed(1)} s (one pass)`);
  save();

  const runs: Record<string, unknown> = {};
  results.runs = runs;
  // --parallel N: N runs at a time (separate processes sharing the device), as N workers would take them.
  const parallel = Math.max(1, Number(flag(argv, 'parallel', '1')));
  results.parallel = parallel;
  const runOne = async (p: string) => {
    const dir = join(out, 'runs', p);
    const prof = join(out, 'prof', p);
    rmSync(dir, { recursive: true, force: true });
    rmSync(prof, { recursive: true, force: true });
    mkdirSync(prof, { recursive: true });
    const t = performance.now();
    const cpu0 = childrenCpuSeconds();
    // The same program that runs this one: the bundle on a GPU host, tsx's loader here.
    const child = spawn(process.execPath, [...process.execArgv, '--cpu-prof', '--cpu-prof-dir', prof, process.argv[1], 'driftprune', 'run', configPath, '--out', dir, '--quiet', '--set', `paradigm.kind=${p}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const code = await new Promise<number | null>((res) => child.on('close', res));
    const wall = (performance.now() - t) / 1000;
    // With --parallel > 1 other children finish meanwhile: then only the comparison's total is exact.
    const cpu1 = childrenCpuSeconds();
    const cpuSeconds = cpu0 !== null && cpu1 !== null && parallel === 1 ? cpu1 - cpu0 : null;
    let summary: unknown = null;
    try {
      summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    } catch {
      summary = null;
    }
    const file = readdirSync(prof).find((f) => f.endsWith('.cpuprofile'));
    const where = file ? attribute(JSON.parse(readFileSync(join(prof, file), 'utf8')) as CpuProfile) : {};
    rmSync(prof, { recursive: true, force: true });
    runs[p] = { exitCode: code, wallSeconds: wall, cpuSeconds, where, summary, stderrTail: code === 0 ? undefined : stderr.slice(-2000) };
    const top = Object.entries(where).filter(([k]) => !k.startsWith('other: ')).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ');
    log(`${p}: exit ${code}, ${wall.toFixed(1)} s wall${cpuSeconds !== null ? `, ${cpuSeconds.toFixed(1)} CPU s` : ''}; ${top}`);
    save();
  };
  const queue = [...paradigms];
  t0 = performance.now();
  const cpuStart = childrenCpuSeconds();
  await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, async () => {
    for (let p = queue.shift(); p !== undefined; p = queue.shift()) await runOne(p);
  }));
  results.comparisonWallSeconds = (performance.now() - t0) / 1000;
  const cpuEnd = childrenCpuSeconds();
  results.comparisonCpuSeconds = cpuStart !== null && cpuEnd !== null ? cpuEnd - cpuStart : null;
  results.loadAverage = loadavg();
  const total = Object.values(runs).reduce((a: number, r) => a + (r as { wallSeconds: number }).wallSeconds, 0);
  results.sumOfRunWallSeconds = total;
  save();
  log(`all ${paradigms.length} runs, ${parallel} at a time: ${(results.comparisonWallSeconds as number).toFixed(1)} s (runs' wall times add up to ${total.toFixed(1)} s)`);
  return Object.values(runs).every((r) => (r as { exitCode: number }).exitCode === 0) ? 0 : 1;
}
