// The paradigm comparison of docs/results.md, run THROUGH the platform: starts the API and workers (or uses a running
// deployment), submits one sweep per study via GraphQL, waits for the workers, fetches every run back through the API,
// and writes the analysis and figures (run.ts).
//
//   npm run bench:compare                          # full grid (~90 min on a quiet 2-core machine), report in docs/results/
//   npm run bench:compare -- --scale quick         # the same pipeline on tiny streams (minutes), report in out/compare-quick/
//   npm run bench:compare -- --studies synthetic,synthetic-stationary
//   npm run bench:compare -- --analyse-only        # re-analyse the fetched runs (OUT/runs.jsonl) without the platform
//   npm run bench:compare -- --api http://host:4000/graphql --token dp_… [--project ID]   # an existing deployment
// Other flags: --out DIR (default out/compare[-quick]), --report DIR, --workers N (default 2), --nice N (default 10),
//   --database URL (default postgresql://postgres@127.0.0.1:5432/driftprune_compare[_quick]).
// A rerun resumes: sweeps already submitted with the same plan are not submitted again (OUT/state.json), and the
// platform keeps their runs in its database.
import { join, resolve } from 'node:path';
import { studies, type Scale } from './plan.js';
import { runComparison } from './run.js';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const args = process.argv.slice(2);
const opt = (name: string, dflt?: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};

const scale = opt('scale', 'full') as Scale;
if (scale !== 'full' && scale !== 'quick') throw new Error(`--scale must be full or quick, not ${scale}`);
const suffix = scale === 'quick' ? '_quick' : '';
const all = studies(scale);
const only = opt('studies')?.split(',');
const unknown = only?.filter((id) => !all.some((s) => s.id === id));
if (unknown?.length) throw new Error(`--studies: unknown ${unknown.join(', ')} (known: ${all.map((s) => s.id).join(', ')})`);
const outDir = resolve(opt('out', join(repoRoot, `out/compare${suffix.replace('_', '-')}`))!);
const databaseUrl = opt('database', `postgresql://postgres@127.0.0.1:5432/driftprune_compare${suffix}`)!;
const api = opt('api');
const token = opt('token');
if (api && !token) throw new Error('--api needs --token');

await runComparison({
  repoRoot,
  studies: only ? all.filter((s) => only.includes(s.id)) : all,
  armOrder: [...new Set(all.flatMap((s) => s.arms.map((a) => a.label)))],
  allocationOrder: all.find((s) => s.allocations)?.allocations ?? [],
  scale,
  outDir,
  reportDir: resolve(opt('report', scale === 'full' ? join(repoRoot, 'docs/results') : outDir)!),
  platform: api
    ? { connect: { api, token: token!, projectId: opt('project') } }
    : {
        start: {
          workers: Number(opt('workers', '2')),
          niceness: Number(opt('nice', '10')),
          databaseUrl,
          // One queue per database: two comparisons on different databases never take each other's jobs.
          queuePrefix: `dp_${new URL(databaseUrl).pathname.slice(1)}`,
        },
      },
  analyseOnly: args.includes('--analyse-only'),
  pollMs: scale === 'quick' ? 3000 : 15_000,
  command: `npm run bench:compare --${args.length ? ' ' + args.join(' ') : ''}`,
  log: (s) => console.error(`[compare ${new Date().toISOString().slice(11, 19)}] ${s}`),
});
