// Runs whose BullMQ job vanished (Redis flushed, or restarted without persistence): the worker's reconciliation
// re-enqueues them from Postgres and they finish, resuming from their last stored checkpoint, with exactly one
// metrics row per window and model. Real Postgres, Redis, worker processes and runner.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startHarness, tinyConfig, waitFor, type Harness } from '@driftprune/api/testing';

let h: Harness;
before(async () => {
  h = await startHarness('reconcile', { WORKER_HEARTBEAT_MS: '300', WORKER_LOCK_MS: '1500', WORKER_RECONCILE_MS: '500', WORKER_RECONCILE_GRACE_MS: '1000' });
});
after(async () => {
  await h?.close();
});

const submitRun = async (name: string, config: unknown) => h.submitRun(await h.createExperiment(name, config));

/** Deletes every key of this test's run queues, as a Redis restart without persistence would. */
async function flushQueues(): Promise<number> {
  const redis = new Redis(h.env.REDIS_URL);
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${h.env.QUEUE_PREFIX}:runs-*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  return deleted;
}

const runRow = async (id: string) => (await h.db.run.findUnique({ where: { id } }))!;

test('queue keys flushed mid-run and the worker killed: a new worker re-enqueues the run, which resumes and completes once per window', async () => {
  const runId = await submitRun('flushed mid-run', tinyConfig({ windows: 10, rows: 1000, seed: 7 }));
  const first = h.spawnWorker();
  await waitFor('a checkpoint after window 2', async () => (await runRow(runId)).checkpointWindow >= 2, 90_000, 25);
  assert.ok((await flushQueues()) > 0, 'the queue had keys');
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const at = await runRow(runId);
  assert.equal(at.status, 'running');
  assert.ok(at.checkpointWindow < 9, 'flushed before the end');
  const second = h.spawnWorker();
  const done = await waitFor('the re-enqueued run to finish', async () => {
    const r = await runRow(runId);
    return r.status === 'succeeded' || r.status === 'failed' ? r : null;
  }, 120_000, 100);
  second.kill('SIGTERM');
  assert.equal(done.status, 'succeeded', done.error ?? '');
  assert.equal(done.attempts, 2, 'one more attempt, from the checkpoint');
  const rows = await h.db.windowMetric.findMany({ where: { runId } });
  const keys = rows.map((m) => `${m.window}:${m.model}`);
  assert.equal(new Set(keys).size, keys.length, 'one row per window and model');
  // d2s with one warm-up window: dense on 10 windows, serving on 9
  assert.equal(keys.length, 10 * 2 - 1);
  const windows = new Set(rows.map((m) => m.window));
  assert.deepEqual([...windows].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await new Promise((r) => second.once('exit', r));
});

test('a queued run whose job was flushed before any worker took it runs when a worker starts', async () => {
  const runId = await submitRun('flushed while queued', tinyConfig({ windows: 3, seed: 3 }));
  assert.ok((await flushQueues()) > 0);
  assert.equal((await runRow(runId)).status, 'queued');
  const w = h.spawnWorker();
  const done = await waitFor('the run to finish', async () => {
    const r = await runRow(runId);
    return r.status === 'succeeded' || r.status === 'failed' ? r : null;
  }, 90_000, 100);
  w.kill('SIGTERM');
  assert.equal(done.status, 'succeeded', done.error ?? '');
  assert.equal(done.attempts, 1);
  assert.equal(await h.db.windowMetric.count({ where: { runId } }), 3 * 2 - 1);
  await new Promise((r) => w.once('exit', r));
});
