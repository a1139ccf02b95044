// deleteExperiment while a worker still runs the experiment's run: no file of the run stays in the artifact store
// (the worker removes what it stores after the delete, then stops the run without an error or a retry), and the
// worker's start-up sweep removes folders of runs that no longer exist. Real Postgres, Redis, API and worker
// (the real runner in the first test; a scripted one to place a checkpoint write exactly after the delete).
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DirectoryStore, runArtifactKey, runArtifactPrefix } from '@driftprune/db';
import { startWorker, type Runner, type WorkerHandle } from '@driftprune/worker';
import { redisConnection, type RunJobData } from '@driftprune/runs';
import { startHarness, tinyConfig, waitFor, type Harness } from '@driftprune/api/testing';

let h: Harness;
let store: DirectoryStore;
let queue: Queue<RunJobData>;
const workers: WorkerHandle[] = [];
before(async () => {
  h = await startHarness('orphans', { WORKER_HEARTBEAT_MS: '300', WORKER_LOCK_MS: '1500' });
  store = new DirectoryStore(h.env.ARTIFACT_STORE.slice('file:'.length));
  queue = new Queue<RunJobData>('runs-cpu', { connection: redisConnection(h.env.REDIS_URL), prefix: h.env.QUEUE_PREFIX });
});
after(async () => {
  // Each test closes its worker (t.after); close() is bounded (WORKER_CLOSE_GRACE_MS), so nothing here can hang.
  for (const w of workers) await w.close();
  await queue?.close();
  await h?.close();
});

// Waits are for progress on a machine that may be starved of CPU (two burners beside the suite): generous, since a
// wait that ends early only makes a slow machine fail; none of them sets up a race.

/** A worker for one test, closed when the test ends however it ends (a failed test must not leave it taking jobs). */
async function testWorker(t: TestContext, opts: Parameters<typeof startWorker>[0]): Promise<WorkerHandle> {
  const w = await startWorker({ ...opts, env: { ...h.env, WORKER_CLOSE_GRACE_MS: 5_000, ...opts?.env } });
  workers.push(w);
  t.after(() => w.close());
  return w;
}

/** On a failed test (one that never called the returned function), the worker's log goes with the error. */
function logOnFailure(t: TestContext, logs: string[]): () => void {
  let passed = false;
  t.after(() => {
    if (!passed) console.log(`worker log of "${t.name}":\n${logs.join('\n')}`);
  });
  return () => (passed = true);
}

async function submitRun(name: string, config: unknown): Promise<{ expId: string; runId: string }> {
  const expId = await h.createExperiment(name, config);
  return { expId, runId: await h.submitRun(expId) };
}

async function deleteExperiment(expId: string) {
  const d = await h.gql('mutation($id: ID!) { deleteExperiment(id: $id) { id deletedRuns } }', { id: expId }, h.tokens.editor);
  assert.equal(d.errors, undefined, JSON.stringify(d.errors));
  assert.equal(d.data.deleteExperiment.deletedRuns, 1);
}

const storedFiles = async (runId: string) => store.list(runArtifactPrefix(h.projectId, runId));
const runLogs = (logs: string[], runId: string) => logs.filter((l) => l.includes(runId));

/** The run's BullMQ jobs by state: a stopped deleted run has one completed job and nothing failed or waiting. */
async function jobStates(runId: string) {
  const jobs = (await queue.getJobs(['completed', 'failed', 'waiting', 'delayed', 'prioritized', 'active'], 0, -1)).filter((j) => j?.data?.runId === runId);
  return Promise.all(jobs.map(async (j) => ({ state: await j.getState(), attemptsMade: j.attemptsMade, outcome: (j.returnvalue as { outcome?: string } | null)?.outcome })));
}

test('deleteExperiment mid-run with the real runner: the worker stops the run once, quietly, and the store keeps no file of it', async (t) => {
  const logs: string[] = [];
  const passed = logOnFailure(t, logs);
  await testWorker(t, { env: { ...h.env, WORKER_ORPHAN_GRACE_MS: -1 }, log: (m) => logs.push(m) });
  const { expId, runId } = await submitRun('delete me mid-run', tinyConfig({ windows: 400, rows: 2000, paradigm: { kind: 'dense', warmupWindows: 1 } }));
  await waitFor('a stored checkpoint', async () => (await h.db.run.findUnique({ where: { id: runId } }))!.checkpointWindow >= 1, 240_000, 20);
  assert.ok((await storedFiles(runId)).length > 0, 'the run had files in the store');
  await deleteExperiment(expId);
  await waitFor('the worker to stop the deleted run', async () => runLogs(logs, runId).some((l) => /deleted while running; stopped/.test(l)), 60_000, 20).catch((e: Error) => {
    throw new Error(`${e.message}; the worker's log:\n${logs.join('\n')}`);
  });
  await waitFor('its job to complete', async () => (await jobStates(runId)).some((j) => j.state === 'completed'), 30_000, 50);
  await new Promise((r) => setTimeout(r, 1_000)); // anything still in flight would land now
  assert.deepEqual(await storedFiles(runId), []);
  assert.equal(await h.db.artifact.count({ where: { runId } }), 0);
  assert.equal(await h.db.windowMetric.count({ where: { runId } }), 0);
  // one line for the stop, no failure, no retry
  const lines = runLogs(logs, runId);
  assert.equal(lines.filter((l) => /deleted while running/.test(l)).length, 1, lines.join('\n'));
  assert.ok(!lines.some((l) => /failed|will retry/.test(l)), lines.join('\n'));
  assert.deepEqual(await jobStates(runId), [{ state: 'completed', attemptsMade: 1, outcome: 'deleted' }]);
  // the worker goes on taking runs
  const next = await submitRun('after the delete', tinyConfig({ windows: 2 }));
  await waitFor('the next run to succeed', async () => (await h.db.run.findUnique({ where: { id: next.runId } }))!.status === 'succeeded', 240_000, 50);
  passed();
});

test('a checkpoint written after the delete is removed from the store by the worker, which stops the run without a retry', async (t) => {
  const logs: string[] = [];
  let deleted!: () => void;
  const afterDelete = new Promise<void>((r) => (deleted = r));
  // A runner that does not notice the cancel (as one busy writing a checkpoint): window 0's checkpoint before the
  // delete, window 1's after it.
  const runner: Runner = async ({ outDir, onEvent }) => {
    const ckpt = join(outDir, 'checkpoint');
    const writeCheckpoint = async (window: number) => {
      await mkdir(join(ckpt, 'params'), { recursive: true });
      await writeFile(join(ckpt, 'state.json'), JSON.stringify({ nextWindow: window + 1 }));
      await writeFile(join(ckpt, 'params', 'dense.bin'), new Uint8Array(1024));
      await onEvent!({ type: 'checkpoint', window, path: ckpt });
    };
    await writeCheckpoint(0);
    await afterDelete;
    await writeCheckpoint(1);
    throw new Error('unreachable: the checkpoint write fails on the deleted run');
  };
  t.after(() => deleted()); // a failed test must not leave the runner waiting
  const passed = logOnFailure(t, logs);
  await testWorker(t, { env: { ...h.env, WORKER_ORPHAN_GRACE_MS: -1 }, runner, log: (m) => logs.push(m) });
  const { expId, runId } = await submitRun('delete me while checkpointing', tinyConfig({ windows: 3 }));
  await waitFor('the first checkpoint', async () => (await h.db.run.findUnique({ where: { id: runId } }))?.checkpointWindow === 0, 120_000, 20);
  assert.equal((await storedFiles(runId)).length, 2);
  await deleteExperiment(expId);
  assert.deepEqual(await storedFiles(runId), [], 'the API removed the folder');
  deleted();
  await waitFor('the worker to stop the deleted run', async () => runLogs(logs, runId).some((l) => /deleted while running/.test(l)), 60_000, 20);
  await waitFor('its job to complete', async () => (await jobStates(runId)).some((j) => j.state === 'completed'), 30_000, 50);
  assert.deepEqual(await storedFiles(runId), [], 'the late checkpoint file was removed');
  const lines = runLogs(logs, runId);
  assert.equal(lines.filter((l) => /deleted while running; stopped; 1 file\(s\) it stored after the delete removed/.test(l)).length, 1, lines.join('\n'));
  assert.ok(!lines.some((l) => /failed|will retry/.test(l)), lines.join('\n'));
  assert.deepEqual(await jobStates(runId), [{ state: 'completed', attemptsMade: 1, outcome: 'deleted' }]);
  passed();
});

test('a worker start-up sweep removes store folders of runs that no longer exist, once past the grace period', async (t) => {
  // a live run with files, an old orphan folder and a fresh one
  const { runId: live } = await submitRun('kept', tinyConfig({ windows: 2 }));
  const old = randomUUID();
  const fresh = randomUUID();
  const put = async (runId: string, ageMs: number) => {
    const key = runArtifactKey(h.projectId, runId, 'models/serving w0001.onnx');
    await store.putBytes(key, new Uint8Array([1, 2, 3]));
    const at = new Date(Date.now() - ageMs);
    await utimes(join(store.root, ...key.split('/')), at, at);
  };
  await put(live, 3_600_000);
  await put(old, 3_600_000);
  await put(fresh, 1_000);
  const logs: string[] = [];
  await testWorker(t, { env: { ...h.env, WORKER_ORPHAN_GRACE_MS: 60_000 }, log: (m) => logs.push(m) });
  await waitFor('the sweep', async () => logs.some((l) => /orphan artifacts:/.test(l)), 60_000, 20);
  assert.match(logs.find((l) => /orphan artifacts:/.test(l))!, /removed 1 folder\(s\) of deleted runs \(1 objects\); 1 written to in the last 60 s left for later/);
  assert.deepEqual(await storedFiles(old), []);
  assert.equal((await storedFiles(fresh)).length, 1);
  assert.ok((await storedFiles(live)).length >= 1);
});
