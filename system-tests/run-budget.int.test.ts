// Issue 12.6 and 12.7: a run over its wall-time or memory budget fails with RUN_BUDGET_EXCEEDED, is not retried,
// and the same worker then completes the next run; a bad config or an unreachable pruning budget fails once; a failed run leaves no empty work
// folder. Real API, Postgres, Redis, worker and runner (each run in its own child process, watched).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, tinyConfig, waitFor, type Harness } from '@driftprune/api/testing';
import { startWorker, type WorkerHandle } from '@driftprune/worker';
import { RunQueues, redisConnection } from '@driftprune/runs';

let h: Harness;
let worker: WorkerHandle;
const logs: string[] = [];
before(async () => {
  h = await startHarness('budget', { WORKER_HEARTBEAT_MS: '300' });
  worker = await startWorker({ env: { ...h.env, WORKER_ORPHAN_GRACE_MS: -1, RUN_MAX_WALL_SEC: 600 }, log: (m) => logs.push(m) });
});
after(async () => {
  await worker?.close();
  await h?.close();
});

async function finished(runId: string) {
  return waitFor(`run ${runId} to finish`, async () => {
    const r = await h.db.run.findUnique({ where: { id: runId } });
    return r && ['succeeded', 'failed', 'cancelled'].includes(r.status) ? r : null;
  }, 180_000, 100);
}

const submit = async (name: string, config: unknown) => h.submitRun(await h.createExperiment(name, config), { maxAttempts: 3 });

test('over the wall-time budget: RUN_BUDGET_EXCEEDED (wall), one attempt; the same worker then completes a run', async () => {
  // 400 windows of 1,000 rows take minutes; the budget is 2 s
  const slow = await submit('slow', { ...tinyConfig({ windows: 400, rows: 1000 }), runBudget: { wallSec: 2 } });
  const t0 = Date.now();
  const r = await finished(slow);
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /^RUN_BUDGET_EXCEEDED \(wall\): .*budget of 2 s/);
  assert.equal(r.attempts, 1, 'a budget failure is not retried');
  assert.ok(Date.now() - t0 < 60_000, `stopped soon after its budget (${Date.now() - t0} ms)`);
  const next = await finished(await submit('after wall', tinyConfig()));
  assert.equal(next.status, 'succeeded', next.error ?? '');
  assert.equal(next.workerId, worker.id);
  assert.equal(r.workerId, worker.id);
});

test('over the memory budget: the run’s process is killed, RUN_BUDGET_EXCEEDED (memory), one attempt; the same worker then completes a run', async () => {
  // Node and onnxruntime alone hold more than 100 MiB resident: the watch kills the run's process, not the worker
  const big = await submit('big', { ...tinyConfig({ windows: 50, rows: 2000 }), runBudget: { memoryMb: 100 } });
  const r = await finished(big);
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /^RUN_BUDGET_EXCEEDED \(memory\): .*budget is 100 MiB/);
  assert.equal(r.attempts, 1);
  const next = await finished(await submit('after memory', tinyConfig()));
  assert.equal(next.status, 'succeeded', next.error ?? '');
  assert.equal(next.workerId, worker.id);
});

test('models that cannot fit the memory budget are refused before they start', async () => {
  // 26 fields × 100,000 rows × 16 + MLPs ≈ 42 M values × 4 B × 5 × 2 live models ≈ 1.6 GiB > 512 MiB
  const huge = await submit('huge', { ...tinyConfig(), data: { source: 'synthetic', hashSize: 100_000, window: 'rows:100', synthetic: { windows: 2, rowsPerWindow: 100 } }, model: { embeddingDim: 16 }, runBudget: { memoryMb: 512 } });
  const r = await finished(huge);
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /^RUN_BUDGET_EXCEEDED \(memory\): the run's models need about [\d,]+ MiB .*budget is 512 MiB/);
  assert.equal(r.attempts, 1);
  assert.ok(!existsSync(join(h.env.WORKER_DIR, 'runs', huge)), 'no empty work folder is left');
});

test('a config the schema refuses at the worker fails once, coded, and leaves no work folder', async () => {
  const exp = await h.createExperiment('bad at the worker', tinyConfig());
  // written past the API (as an older version of the platform might have stored it): hashSize over its limit
  const run = await h.db.run.create({
    data: { projectId: h.projectId, experimentId: exp, config: { ...tinyConfig(), data: { ...tinyConfig().data, hashSize: 1e8 } } as object, seed: 1, paradigm: 'd2s', maxAttempts: 3 },
  });
  const queues = new RunQueues(redisConnection(h.env.REDIS_URL), h.env.QUEUE_PREFIX);
  try {
    await queues.enqueue(run);
  } finally {
    await queues.close();
  }
  const r = await finished(run.id);
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /data\.hashSize: data\.hashSize is at most 16,777,216/);
  assert.equal(r.attempts, 1, 'a bad config is not retried');
  assert.ok(!existsSync(join(h.env.WORKER_DIR, 'runs', run.id)), 'no empty work folder is left');
});

test('a pruning budget the model cannot reach fails once, coded, after its first refresh (not retried)', async () => {
  // bottom [16], top [16] with minWidth 4 cannot lose 97 % of the MLP FLOPs: the allocation throws in the run's child
  // process at the end of warm-up, where only the error's name, message and code cross IPC to the worker
  const run = await submit('unreachable budget', { ...tinyConfig({ paradigm: { kind: 'prune_once', warmupWindows: 1 } }), pruning: { budget: 0.97, minWidth: 4 } });
  const r = await finished(run);
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /^PRUNING_BUDGET_UNREACHABLE: budget 0.97 cannot be met/);
  assert.equal(r.attempts, 1, 'a budget that cannot be met is not retried');
});

test('the API refuses oversized configs (createExperiment, submitSweep) with BAD_USER_INPUT naming the limit, and creates nothing', async () => {
  const before = await h.db.experiment.count();
  const big = await h.gql('mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }', {
    i: { projectId: h.projectId, name: 'too big', config: { ...tinyConfig(), data: { ...tinyConfig().data, hashSize: 1e8, maxWindows: 1e15 } } },
  });
  assert.equal(big.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.match(big.errors![0].message, /data\.hashSize is at most 16,777,216/);
  assert.match(big.errors![0].message, /data\.maxWindows is at most 100,000/);
  assert.equal(await h.db.experiment.count(), before);
  const exp = await h.createExperiment('sweep base', tinyConfig());
  const runsBefore = await h.db.run.count();
  const sweep = await h.gql('mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id } }', {
    i: { experimentId: exp, sweep: { name: 'wide', parameters: { 'data.hashSize': { values: [100, 1e8] } }, seeds: [1] } },
  });
  assert.equal(sweep.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(sweep));
  assert.match(sweep.errors![0].message, /data\.hashSize is at most 16,777,216/);
  assert.equal(await h.db.run.count(), runsBefore, 'no run of the sweep was created');
});
