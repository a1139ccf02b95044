// docs/api.md's automation scripts, run as a user runs them (child processes) against a started API and worker on the
// real Postgres and Redis: the TypeScript one (submit a sweep, wait, fetch the Pareto front and the best run under a
// latency budget) and the curl + jq one (the same, plus the runs table as CSV through GET /export).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startWorker, type WorkerHandle } from '@driftprune/worker';
import { repoRoot, startHarness, tinyConfig, type Harness } from '@driftprune/api/testing';

const run = promisify(execFile);
let h: Harness;
let worker: WorkerHandle | null = null;
let experimentId = '';
before(async () => {
  h = await startHarness('automation', { WORKER_HEARTBEAT_MS: '300', WORKER_LOCK_MS: '3000' });
  worker = await startWorker({ env: h.env, log: () => {} });
  experimentId = await h.createExperiment('automation', tinyConfig({ windows: 3 }));
});
after(async () => {
  await worker?.close();
  await h?.close();
});

test('the TypeScript script: sweep submitted, waited for, Pareto front and best under a budget printed as JSON', async () => {
  const sweepFile = join(h.tmp, 'sweep.json');
  await writeFile(sweepFile, JSON.stringify({ name: 'from the script', seeds: [1], parameters: { 'pruning.budget': { values: [0.25, 0.5] } } }));
  const env = { ...process.env, DRIFTPRUNE_API: h.api.url, DRIFTPRUNE_TOKEN: h.tokens.editor, EXPERIMENT_ID: experimentId, LATENCY_BUDGET_MS: '100000', TIMEOUT_SEC: '300' };
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'examples/automation/sweep-pareto.ts'), sweepFile], { env, cwd: repoRoot, timeout: 360_000 });
  const out = JSON.parse(stdout);
  console.log(`script stdout: ${stdout}`);
  console.log(`script stderr: ${stderr.trim().replace(/\n/g, ' | ')}`);
  assert.deepEqual(out.counts, { status: 'succeeded', total: 2, succeeded: 2, stopped: 0, failed: 0, cancelled: 0 });
  assert.equal(out.paretoFront.cost, 'P99_MS');
  assert.equal(out.paretoFront.excludedRuns, 0);
  assert.ok(out.paretoFront.front.length >= 1 && out.paretoFront.front.length <= 2);
  for (const p of out.paretoFront.front) assert.ok(Number.isFinite(p.gapPct) && p.cost > 0 && p.n === 1 && /^budget=0\.(25|5)$/.test(p.label), JSON.stringify(p));
  assert.ok(out.bestUnderBudget && out.paretoFront.front.some((p: { label: string }) => p.label === out.bestUnderBudget.label), 'the best under a loose budget is on the front');

  // a refused call exits 1 with the API's code
  // (not spawnSync: the API answering it runs in this process)
  const bad = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'examples/automation/sweep-pareto.ts')], { env: { ...env, EXPERIMENT_ID: '00000000-0000-4000-8000-000000000000' }, cwd: repoRoot, timeout: 240_000 }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code?: number; stderr?: string }) => ({ code: e.code, stderr: e.stderr ?? '' }),
  );
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /NOT_FOUND/);
});

test('the curl + jq script: the same through curl, and the runs table as CSV', { skip: spawnSync('jq', ['--version']).status !== 0 ? 'jq is not installed' : false }, async () => {
  const env = {
    ...process.env,
    DRIFTPRUNE_API: h.api.url,
    DRIFTPRUNE_TOKEN: h.tokens.editor,
    EXPERIMENT_ID: experimentId,
    SWEEP_JSON: JSON.stringify({ name: 'from curl', seeds: [2], parameters: { 'pruning.budget': { values: [0.25, 0.5] } } }),
  };
  const { stdout } = await run('bash', [join(repoRoot, 'examples/automation/sweep-pareto.sh')], { env, cwd: h.tmp, timeout: 360_000 });
  const front = JSON.parse(stdout).sweep.paretoFront;
  assert.ok(front.front.length >= 1);
  const sweepId = (await h.db.sweep.findFirstOrThrow({ where: { name: 'from curl' } })).id;
  const csv = await readFile(join(h.tmp, `sweep-${sweepId}.csv`), 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines.length, 3, 'header and two runs');
  assert.ok(lines[0].startsWith('id,name,status,'));
});
