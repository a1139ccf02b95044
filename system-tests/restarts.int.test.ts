// Issue 12.9: PostgreSQL and, separately, Redis restart while a sweep runs. The worker (its own process) and the
// API reconnect, every run finishes, each (window, model) metric row is written exactly once with the values of an
// uninterrupted run, and a graphql-ws subscriber keeps receiving events after the restart. The servers restarted
// are private ones this test starts (private-services.ts), never the machine's shared Postgres and Redis.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { experimentConfig } from '@driftprune/config';
import { runExperiment } from '@driftprune/experiment';
import { startHarness, tinyConfig, waitFor, within, type Harness } from '@driftprune/api/testing';
import { privateServicesMissing, startPrivatePostgres, startPrivateRedis, type PrivateService } from './private-services.js';

let pg: PrivateService | undefined;
let redis: PrivateService | undefined;
let h: Harness | undefined;
let worker: ChildProcess | undefined;
const WINDOWS = 12;

before(async () => {
  const missing = privateServicesMissing();
  if (missing) throw new Error(`this test needs ${missing}`);
  pg = await startPrivatePostgres();
  redis = await startPrivateRedis();
  // this file's process only: the harness, the API and the worker use the private servers
  process.env.DATABASE_URL = pg.url;
  process.env.REDIS_URL = redis.url;
  h = await startHarness('restarts', { WORKER_CONCURRENCY: '2', WORKER_ORPHAN_GRACE_MS: '-1' });
  worker = h.spawnWorker();
  // ready (its start-up reconcile done) before the first sweep, so that only the restarts disturb the runs
  const w = worker;
  await within(
    new Promise<void>((resolve, reject) => {
      let out = '';
      w.stdout!.on('data', (d: Buffer) => (out += d) && / ready: backend /.test(out) && resolve());
      w.once('exit', (code) => reject(new Error(`the worker exited (${code})`)));
    }),
    120_000,
    'the worker to be ready',
  );
});

after(async () => {
  // bounded: each step has its own limit, and the private servers go whatever happened before
  await within(h?.close() ?? Promise.resolve(), 30_000, 'the harness to close').catch((e) => console.error(e));
  await within(redis?.stop() ?? Promise.resolve(), 20_000, 'the private Redis to stop').catch((e) => console.error(e));
  await within(pg?.stop() ?? Promise.resolve(), 60_000, 'the private Postgres to stop').catch((e) => console.error(e));
});

const config = (seed: number) => tinyConfig({ windows: WINDOWS, rows: 1500, seed });

/** The metrics of the same config run uninterrupted, in this process: the rows a run must end with. */
async function reference(seed: number) {
  const rows: { key: string; ne: number | null; auc: number | null }[] = [];
  const outDir = await mkdtemp(join(h!.tmp, 'reference-'));
  await runExperiment({ config: experimentConfig.parse(config(seed)), outDir, onEvent: (e) => void (e.type === 'window' && rows.push(...e.metrics.map((m) => ({ key: `${m.window}:${m.model}`, ne: m.ne, auc: m.auc })))) });
  return rows.sort((a, b) => a.key.localeCompare(b.key));
}

async function stored(runId: string) {
  const rows = await h!.db.windowMetric.findMany({ where: { runId } });
  return rows.map((m) => ({ key: `${m.window}:${m.model}`, ne: m.ne, auc: m.auc })).sort((a, b) => a.key.localeCompare(b.key));
}

/** A sweep over two seeds with a subscriber on its project's run events and on one run's metrics. */
async function sweepWithSubscriber(name: string) {
  const expId = await h!.createExperiment(name, config(1));
  const ws = h!.ws(h!.tokens.viewer);
  const runEvents: { at: number; id: string; status: string }[] = [];
  const metricEvents: { at: number; window: number; model: string }[] = [];
  const runSub = ws.iterate<{ runUpdated: { id: string; status: string } }>({ query: 'subscription($p: ID!) { runUpdated(projectId: $p) { id status } }', variables: { p: h!.projectId } });
  void (async () => {
    for await (const e of runSub) if (e.data?.runUpdated) runEvents.push({ at: Date.now(), ...e.data.runUpdated });
  })().catch(() => {});
  const sw = await h!.gql('mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id runs { nodes { id seed } } } }', {
    i: { experimentId: expId, sweep: { name, parameters: { 'pruning.budget': { values: [0.5] } }, seeds: [1, 2] } },
  });
  assert.equal(sw.errors, undefined, JSON.stringify(sw.errors));
  const runs: { id: string; seed: number }[] = sw.data.submitSweep.runs.nodes;
  assert.equal(runs.length, 2);
  const metricSub = ws.iterate<{ windowMetricAdded: { window: number; model: string } }>({ query: 'subscription($r: ID!) { windowMetricAdded(runId: $r) { window model } }', variables: { r: runs[0].id } });
  void (async () => {
    for await (const e of metricSub) if (e.data?.windowMetricAdded) metricEvents.push({ at: Date.now(), ...e.data.windowMetricAdded });
  })().catch(() => {});
  return { sweepId: sw.data.submitSweep.id as string, runs, runEvents, metricEvents, close: async () => (await runSub.return?.(), await metricSub.return?.()) };
}

async function restartMidSweep(name: string, service: () => PrivateService) {
  const s = await sweepWithSubscriber(name);
  try {
    // mid-run: both runs have stored metrics and neither has finished
    await waitFor('both runs to store metrics', async () => {
      const counts = await Promise.all(s.runs.map((r) => h!.db.windowMetric.count({ where: { runId: r.id } })));
      return counts.every((c) => c >= 1);
    }, 120_000, 50);
    const before = await h!.db.run.findMany({ where: { sweepId: s.sweepId } });
    assert.ok(before.some((r) => r.status === 'running'), `a run is running at the restart: ${before.map((r) => r.status)}`);
    await service().restart({ downMs: 1_500 });
    const restartedAt = Date.now();
    const done = await waitFor('every run of the sweep to finish', async () => {
      const runs = await h!.db.run.findMany({ where: { sweepId: s.sweepId } });
      return runs.every((r) => ['succeeded', 'failed', 'cancelled'].includes(r.status)) ? runs : null;
    }, 240_000, 200);
    for (const r of done) assert.equal(r.status, 'succeeded', `run ${r.id}: ${r.error}`);
    // the worker waited out the restart: no attempt was used up by it
    for (const r of done) assert.equal(r.attempts, 1, `run ${r.id} ran ${r.attempts} times`);
    // the sweep's counts follow its runs' transitions (each refreshes them right after its own write)
    await waitFor('the sweep to count both runs succeeded', async () => (await h!.db.sweep.findUnique({ where: { id: s.sweepId } }))?.status === 'succeeded', 30_000, 100);
    // no metric row lost or duplicated: exactly the rows of an uninterrupted run (the unique index forbids twins)
    for (const r of s.runs) assert.deepEqual(await stored(r.id), await reference(r.seed), `run ${r.id} (seed ${r.seed})`);
    // the subscriber kept receiving after the restart: run status changes, and metrics of later windows
    await waitFor('the subscriber to see both runs succeed', async () => s.runs.every((r) => s.runEvents.some((e) => e.id === r.id && e.status === 'succeeded' && e.at >= restartedAt)), 30_000, 50);
    await waitFor('the subscriber to receive metrics after the restart', async () => s.metricEvents.some((e) => e.at >= restartedAt && e.window === WINDOWS - 1), 30_000, 50);
    // and the API answers queries on the restarted server
    const q = await h!.gql('query($id: ID!) { sweep(id: $id) { status } }', { id: s.sweepId });
    assert.equal(q.data?.sweep?.status, 'succeeded', JSON.stringify(q.errors));
    assert.equal(worker!.exitCode, null, 'the worker process kept running');
  } finally {
    await s.close();
  }
}

test('PostgreSQL restarts during a running sweep: every run finishes, each metric row once, subscriptions go on', () => restartMidSweep('pg restart', () => pg!));

test('Redis restarts during a running sweep: every run finishes, each metric row once, subscriptions go on', () => restartMidSweep('redis restart', () => redis!));
