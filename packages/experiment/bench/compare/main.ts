// The paradigm comparison of docs/results.md, run THROUGH the platform: starts the API and workers (or uses a running
// deployment), submits one sweep per study via GraphQL, waits for the workers, fetches every run back through the API,
// and writes the analysis and figures.
//
//   npm run bench:compare                          # full grid (~90 min on a quiet 2-core machine), report in docs/results/
//   npm run bench:compare -- --scale quick         # the same pipeline on tiny streams (a few minutes), report in out/
//   npm run bench:compare -- --studies synthetic,synthetic-stationary
//   npm run bench:compare -- --analyse-only        # re-analyse the fetched runs (OUT/runs.jsonl) without the platform
//   npm run bench:compare -- --api http://host:4000/graphql --token dp_… [--project ID]   # an existing deployment
// Other flags: --out DIR (default out/compare[-quick]), --report DIR, --workers N (default 2), --nice N (default 10),
//   --database URL (default postgresql://postgres@127.0.0.1:5432/driftprune_compare[_quick]).
// A rerun resumes: sweeps already submitted with the same plan are not submitted again (OUT/state.json).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { expandSweep } from '@driftprune/config';
import { fetchSweep, submitAll, waitAll, type RunRecord } from './collect.js';
import { demoProject, startPlatform, type Platform } from './platform.js';
import { BASELINE_ARM, compileStudy, sharedDataDir, streamBase, studies, type Scale, type StreamId } from './plan.js';
import { buildReport } from './report.js';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const opt = (name: string, dflt?: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const log = (s: string) => console.error(`[compare ${new Date().toISOString().slice(11, 19)}] ${s}`);

const scale = (opt('scale', 'full') as Scale) ?? 'full';
if (scale !== 'full' && scale !== 'quick') throw new Error(`--scale must be full or quick, not ${scale}`);
const suffix = scale === 'quick' ? '-quick' : '';
const outDir = resolve(opt('out', join(repoRoot, `out/compare${suffix}`))!);
const reportDir = resolve(opt('report', scale === 'full' ? join(repoRoot, 'docs/results') : outDir)!);
const workers = Number(opt('workers', '2'));
const niceness = Number(opt('nice', '10'));
const only = opt('studies')?.split(',');

const all = studies(scale);
const chosen = only ? all.filter((s) => only.includes(s.id)) : all;
if (only && chosen.length !== only.length) throw new Error(`--studies: unknown ${only.filter((id) => !all.some((s) => s.id === id)).join(', ')} (known: ${all.map((s) => s.id).join(', ')})`);
for (const s of chosen) {
  const path = s.stream.startsWith('globo') ? join(sharedDataDir(repoRoot), 'globo-g1-clicks') : null;
  if (path && !existsSync(path)) throw new Error(`study ${s.id} reads the Globo click log, which is not at ${path} (set DRIFTPRUNE_SHARED_DATA)`);
}
const bases = Object.fromEntries([...new Set(chosen.map((s) => s.stream))].map((s) => [s, streamBase(s, scale, repoRoot)])) as Record<StreamId, Record<string, unknown>>;
const compiled = chosen.flatMap((study) => compileStudy(study).map((c) => ({ compiled: c, base: bases[study.stream], title: study.title, stream: study.stream })));
const armOrder = [...new Set(all.flatMap((s) => s.arms.map((a) => a.label)))];
const allocationOrder = all.find((s) => s.allocations)?.allocations ?? [];

function git(...a: string[]): string {
  try {
    return execFileSync('git', a, { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const runsPath = join(outDir, 'runs.jsonl');
  const provenancePath = join(outDir, 'provenance.json');
  let records: RunRecord[];
  let provenance: Record<string, unknown>;
  if (flag('analyse-only')) {
    records = readFileSync(runsPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunRecord);
    provenance = JSON.parse(readFileSync(provenancePath, 'utf8'));
    log(`re-analysing ${records.length} runs from ${runsPath}`);
  } else {
    let total = 0;
    for (const c of compiled) {
      const n = expandSweep({ base: c.base, ...c.compiled.sweep }).length;
      total += n;
      log(`${c.compiled.key}: ${n} runs`);
    }
    log(`${total} runs in ${compiled.length} sweeps (scale ${scale}); data from ${sharedDataDir(repoRoot)}`);
    const startedAt = new Date();
    const loads: number[] = [loadavg()[0]];
    let platform: Platform;
    const api = opt('api');
    if (api) {
      const token = opt('token');
      if (!token) throw new Error('--api needs --token');
      platform = { api, token, projectId: opt('project') ?? (await demoProject({ api, token })), stop: async () => {} };
      log(`using the platform at ${api}`);
    } else {
      platform = await startPlatform({
        repoRoot,
        dir: join(outDir, 'platform'),
        workers,
        databaseUrl: opt('database', `postgresql://postgres@127.0.0.1:5432/driftprune_compare${suffix.replace('-', '_')}`)!,
        queuePrefix: `dpcompare${suffix.replace('-', '_')}`,
        dataRoots: [join(repoRoot, '.data/datasets'), sharedDataDir(repoRoot)],
        niceness,
        log,
      });
      log(`platform up: ${platform.api}, ${workers} workers (nice ${niceness})`);
    }
    const stop = () => void platform.stop().then(() => process.exit(130));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const state = await submitAll(platform, compiled, join(outDir, 'state.json'), log);
      await waitAll(
        platform,
        compiled.map((c) => state[c.compiled.key].sweepId),
        {
          everyMs: scale === 'quick' ? 3000 : 15_000,
          workers,
          log: (s) => {
            loads.push(loadavg()[0]);
            log(s);
          },
        },
      );
      records = [];
      for (const c of compiled) records.push(...(await fetchSweep(platform, c.compiled, state[c.compiled.key].sweepId, c.stream)));
    } finally {
      await platform.stop();
    }
    const finishedAt = new Date();
    writeFileSync(runsPath, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    provenance = {
      command: `npm run bench:compare --${args.length ? ' ' + args.join(' ') : ''}`,
      commit: git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? ' (with uncommitted changes)' : ''),
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
      platform: api ? `existing deployment ${api}` : `API + ${workers} workers started by the command (nice ${niceness}, one run per worker, engine threads 1)`,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      wallMin: (finishedAt.getTime() - startedAt.getTime()) / 60_000,
      load1: { start: loads[0], min: Math.min(...loads), mean: loads.reduce((a, b) => a + b, 0) / loads.length, max: Math.max(...loads) },
    };
    writeFileSync(provenancePath, JSON.stringify(provenance, null, 1) + '\n');
  }
  const p = provenance as { command: string; commit: string; node: string; cpus: string; platform: string; startedAt: string; finishedAt: string; wallMin: number; load1: Record<string, number> };
  const report = buildReport(records, {
    provenance: [
      `Produced by \`${p.command}\` at commit ${p.commit} (${p.node}, ${p.cpus}); ${p.platform}.`,
      `Ran ${p.startedAt} → ${p.finishedAt} (${p.wallMin.toFixed(1)} min wall); 1-minute load average during the run: start ${p.load1.start.toFixed(1)}, ` +
        `min ${p.load1.min.toFixed(1)}, mean ${p.load1.mean.toFixed(1)}, max ${p.load1.max.toFixed(1)} (other engineers' work shares this machine: wall times are affected, ΔNE and FLOPs are not).`,
      `Baseline of every paired difference: ${BASELINE_ARM} with the same stream, budget, allocation, data seed and init seed.`,
    ],
    armOrder,
    allocationOrder,
    defaultAllocation: 'learned',
    bases,
  });
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(join(reportDir, 'compare.md'), report.markdown + '\n');
  for (const [name, content] of Object.entries(report.figures)) writeFileSync(join(reportDir, name), content);
  writeFileSync(join(reportDir, 'compare-runs.csv'), runsCsv(report.metrics));
  log(`wrote ${relative(repoRoot, join(reportDir, 'compare.md'))}, compare-runs.csv and ${Object.keys(report.figures).length} figures`);
}

/** One line per succeeded run: identity, gaps and costs (the numbers every table is computed from). */
function runsCsv(ms: ReturnType<typeof buildReport>['metrics']): string {
  const cols = ['id', 'study', 'stream', 'arm', 'budget', 'allocation', 'dataSeed', 'initSeed', 'evaluationWindows', 'meanDeltaNE', 'pooledDeltaNE', 'maxDeltaNE', 'earlyDeltaNE', 'lateDeltaNE', 'growth', 'meanNEDense', 'pooledNEDense', 'meanNEServing', 'pooledNEServing', 'refreshes', 'servingFlopsRatio', 'trainingFlops', 'denseOnlyTrainingFlops', 'wallSec'] as const;
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(6)) : v === null ? '' : String(v));
  return [cols.join(','), ...ms.map((m) => cols.map((c) => cell(m[c])).join(','))].join('\n') + '\n';
}

await main();
