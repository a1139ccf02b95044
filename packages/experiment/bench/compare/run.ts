// One comparison, end to end: the studies' sweeps submitted to the platform, awaited, fetched back through the API,
// analysed and written as a report with figures. main.ts is its command line; compare.int.test.ts runs it on a tiny grid.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { expandSweep } from '@driftprune/config';
import { fetchSweep, submitAll, waitAll, type RunRecord } from './collect.js';
import { demoProject, startPlatform, type Platform } from './platform.js';
import { BASELINE_ARM, DEFAULT_ALLOCATION, compileStudy, sharedDataDir, streamBase, type Scale, type StreamId, type Study } from './plan.js';
import { buildReport, type Report } from './report.js';
import { measureServing, representatives, type ServingSpeedup } from './serving.js';

export interface ComparisonOptions {
  repoRoot: string;
  studies: Study[];
  /** Arm labels and allocations in the order tables list them (the whole plan's, when running part of it). */
  armOrder: string[];
  allocationOrder: string[];
  scale: Scale;
  /** Runs fetched (runs.jsonl), provenance, the sweep state and the platform's folders. */
  outDir: string;
  /** compare.md, compare-runs.csv and the figures. */
  reportDir: string;
  /** Start the API and `workers` workers, or use a running deployment. */
  platform: { start: { workers: number; niceness: number; databaseUrl: string; queuePrefix: string } } | { connect: { api: string; token: string; projectId?: string } };
  /** Only re-analyse OUT/runs.jsonl. */
  analyseOnly?: boolean;
  pollMs: number;
  /** How the comparison was invoked (printed in the report). */
  command: string;
  log: (line: string) => void;
}

interface Provenance {
  command: string;
  commit: string;
  node: string;
  cpus: string;
  platform: string;
  startedAt: string;
  finishedAt: string;
  wallMin: number;
  load1: { start: number; min: number; mean: number; max: number };
}

function git(repoRoot: string, ...a: string[]): string {
  try {
    return execFileSync('git', a, { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

/**
 * The committed versions (git tree hashes) of the code that computes a run's results; part of a sweep's fingerprint,
 * so that a rerun after the engine, a paradigm or a source changed runs again instead of reusing old runs.
 */
export function codeVersion(repoRoot: string): string {
  return RESULT_CODE.map((dir) => `${dir}:${git(repoRoot, 'rev-parse', `HEAD:${dir}`)}`).join(',');
}
const RESULT_CODE = ['packages/config/src', 'packages/data/src', 'packages/engine/src', 'packages/onnx/src', 'packages/pruning/src', 'packages/experiment/src', 'apps/worker/src'];

export async function runComparison(o: ComparisonOptions): Promise<{ records: RunRecord[]; report: Report }> {
  for (const s of o.studies) {
    const path = s.stream.startsWith('globo') ? join(sharedDataDir(o.repoRoot), 'globo-g1-clicks') : null;
    if (path && !existsSync(path)) throw new Error(`study ${s.id} reads the Globo click log, which is not at ${path} (set DRIFTPRUNE_SHARED_DATA)`);
  }
  const bases = Object.fromEntries([...new Set(o.studies.map((s) => s.stream))].map((s) => [s, streamBase(s, o.scale, o.repoRoot)])) as Record<StreamId, Record<string, unknown>>;
  const compiled = o.studies.flatMap((study) => compileStudy(study).map((c) => ({ compiled: c, base: bases[study.stream], title: study.title, stream: study.stream })));
  mkdirSync(o.outDir, { recursive: true });
  const runsPath = join(o.outDir, 'runs.jsonl');
  const provenancePath = join(o.outDir, 'provenance.json');
  const servingPath = join(o.outDir, 'serving.json');
  let records: RunRecord[];
  let serving: ServingSpeedup[];
  let p: Provenance;
  if (o.analyseOnly) {
    records = readFileSync(runsPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunRecord);
    p = JSON.parse(readFileSync(provenancePath, 'utf8')) as Provenance;
    serving = existsSync(servingPath) ? (JSON.parse(readFileSync(servingPath, 'utf8')) as ServingSpeedup[]) : [];
    o.log(`re-analysing ${records.length} runs from ${runsPath}`);
  } else {
    let total = 0;
    for (const c of compiled) {
      const n = expandSweep({ base: c.base, ...c.compiled.sweep }).length;
      total += n;
      o.log(`${c.compiled.key}: ${n} runs`);
    }
    o.log(`${total} runs in ${compiled.length} sweeps (scale ${o.scale}); data from ${sharedDataDir(o.repoRoot)}`);
    const startedAt = new Date();
    const loads = [loadavg()[0]];
    let platform: Platform;
    let platformText: string;
    if ('connect' in o.platform) {
      const c = o.platform.connect;
      platform = { api: c.api, token: c.token, projectId: c.projectId ?? (await demoProject(c)), stop: async () => {} };
      platformText = `existing deployment ${c.api}`;
      o.log(`using the platform at ${c.api}`);
    } else {
      const s = o.platform.start;
      platform = await startPlatform({ repoRoot: o.repoRoot, dir: join(o.outDir, 'platform'), dataRoots: [join(o.repoRoot, '.data/datasets'), sharedDataDir(o.repoRoot)], log: o.log, ...s });
      platformText = `API + ${s.workers} workers started by the command (nice ${s.niceness}, one run per worker, engine threads 1)`;
      o.log(`platform up: ${platform.api}, ${s.workers} workers (nice ${s.niceness})`);
    }
    const stopOnSignal = () => void platform.stop().then(() => process.exit(130));
    process.once('SIGINT', stopOnSignal);
    process.once('SIGTERM', stopOnSignal);
    try {
      const state = await submitAll(platform, compiled, { statePath: join(o.outDir, 'state.json'), code: codeVersion(o.repoRoot), log: o.log });
      await waitAll(platform, compiled.map((c) => state[c.compiled.key].sweepId), {
        everyMs: o.pollMs,
        log: (s) => {
          loads.push(loadavg()[0]);
          o.log(s);
        },
      });
      records = [];
      for (const c of compiled) records.push(...(await fetchSweep(platform, c.compiled, state[c.compiled.key].sweepId, c.stream)));
      // Saved before the serving timings, so that a failure there loses no run (--analyse-only reads this file).
      writeFileSync(runsPath, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      // The workers are idle now: time the final models here, dense and pruned alternating.
      const q = o.scale === 'quick';
      serving = await measureServing(platform, representatives(records, DEFAULT_ALLOCATION), { rounds: q ? 3 : 7, iterations: q ? 10 : 50, batchSizes: [64, 512], log: o.log });
    } finally {
      process.off('SIGINT', stopOnSignal);
      process.off('SIGTERM', stopOnSignal);
      await platform.stop();
    }
    const finishedAt = new Date();
    writeFileSync(servingPath, JSON.stringify(serving, null, 1) + '\n');
    p = {
      command: o.command,
      commit: git(o.repoRoot, 'rev-parse', '--short', 'HEAD') + (git(o.repoRoot, 'status', '--porcelain', '--untracked-files=no') ? ' (with uncommitted changes)' : ''),
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
      platform: platformText,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      wallMin: (finishedAt.getTime() - startedAt.getTime()) / 60_000,
      load1: { start: loads[0], min: Math.min(...loads), mean: loads.reduce((a, b) => a + b, 0) / loads.length, max: Math.max(...loads) },
    };
    writeFileSync(provenancePath, JSON.stringify(p, null, 1) + '\n');
  }
  const report = buildReport(records, {
    provenance: [
      `Produced by \`${p.command}\` at commit ${p.commit} (${p.node}, ${p.cpus}); ${p.platform}.`,
      `Ran ${p.startedAt} → ${p.finishedAt} (${p.wallMin.toFixed(1)} min wall); 1-minute load average during the run: start ${p.load1.start.toFixed(1)}, ` +
        `min ${p.load1.min.toFixed(1)}, mean ${p.load1.mean.toFixed(1)}, max ${p.load1.max.toFixed(1)} (other engineers' work shares this machine: wall times are affected, ΔNE and FLOPs are not).`,
      `Baseline of every paired difference: ${BASELINE_ARM} with the same stream, budget, allocation, data seed and init seed.`,
    ],
    armOrder: o.armOrder,
    allocationOrder: o.allocationOrder,
    ablationStudies: o.studies.filter((s) => s.allocations).map((s) => s.id),
    defaultAllocation: DEFAULT_ALLOCATION,
    bases,
    serving,
  });
  mkdirSync(o.reportDir, { recursive: true });
  writeFileSync(join(o.reportDir, 'compare.md'), report.markdown + '\n');
  for (const [name, content] of Object.entries(report.figures)) writeFileSync(join(o.reportDir, name), content);
  writeFileSync(join(o.reportDir, 'compare-runs.csv'), runsCsv(report.metrics));
  o.log(`wrote ${join(o.reportDir, 'compare.md')}, compare-runs.csv and ${Object.keys(report.figures).length} figures`);
  return { records, report };
}

/** One line per succeeded run: identity, gaps and costs (the numbers every table is computed from). */
function runsCsv(ms: Report['metrics']): string {
  const cols = ['id', 'study', 'stream', 'arm', 'budget', 'allocation', 'dataSeed', 'initSeed', 'evaluationWindows', 'meanDeltaNE', 'pooledDeltaNE', 'maxDeltaNE', 'earlyDeltaNE', 'lateDeltaNE', 'growth', 'meanNEDense', 'pooledNEDense', 'meanNEServing', 'pooledNEServing', 'refreshes', 'servingFlopsRatio', 'trainingFlops', 'denseOnlyTrainingFlops', 'denseOnlySource', 'wallSec'] as const;
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(6)) : v === null ? '' : String(v));
  return [cols.join(','), ...ms.map((m) => cols.map((c) => cell(m[c])).join(','))].join('\n') + '\n';
}
