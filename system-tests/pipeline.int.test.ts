// The whole pipeline on the real Postgres and Redis with the real experiment runner: submitSweep → BullMQ jobs →
// worker → metrics in queries and subscriptions; cancel; retry; backend routing; hard delete; and kill -9 of a
// worker process mid-run, after which a new worker resumes from the checkpoint with no lost or duplicated rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { experimentConfig } from '@driftprune/config';
import { DirectoryStore, sha256File } from '@driftprune/db';
import { runExperiment } from '@driftprune/experiment';
import { startWorker, type WorkerHandle } from '@driftprune/worker';
import { Queue, QueueEvents } from 'bullmq';
import { redisConnection } from '@driftprune/runs';
import { startHarness, tinyConfig, waitFor, within, type Harness } from '@driftprune/api/testing';

let h: Harness;
let worker: WorkerHandle | null = null;
before(async () => {
  h = await startHarness('pipeline', { WORKER_HEARTBEAT_MS: '300', WORKER_LOCK_MS: '1500' });
  worker = await startWorker({ env: h.env, log: () => {} });
});
after(async () => {
  await worker?.close();
  await h?.close();
});

const experiment = (name: string, config: unknown) => h.createExperiment(name, config);
const submit = (expId: string, extra: Record<string, unknown> = {}) => h.submitRun(expId, extra);

const runStatus = async (id: string) => (await h.db.run.findUnique({ where: { id } }))!;

/** (window, model) → row, asserting there is at most one of each. */
async function metricKeys(runId: string) {
  const rows = await h.db.windowMetric.findMany({ where: { runId }, orderBy: [{ window: 'asc' }, { model: 'asc' }] });
  const keys = rows.map((r) => `${r.window}:${r.model}`);
  assert.equal(new Set(keys).size, keys.length, 'one row per window and model');
  return rows;
}

test('submitSweep → jobs → worker → metrics visible through queries and subscriptions', async () => {
  const expId = await experiment('sweep e2e', tinyConfig({ windows: 4 }));
  const ws = h.ws(h.tokens.viewer);
  type SweepCounts = { status: string; queued: number; running: number; succeeded: number };
  const runEvents: { id: string; status: string; sweep: SweepCounts | null }[] = [];
  const runSub = ws.iterate<{ runUpdated: { id: string; status: string; sweep: SweepCounts | null } }>({
    query: 'subscription($p: ID!) { runUpdated(projectId: $p) { id status progress sweep { status queued running succeeded } } }',
    variables: { p: h.projectId },
  });
  (async () => {
    for await (const e of runSub) runEvents.push(e.data!.runUpdated);
  })().catch(() => {});
  // subscribe before submitting: the API has registered the subscription (a barrier, not a guess of how long)
  await within(h.api.services.hub.whenFeeds(h.api.services.hub.channels.run), 10_000, 'the runUpdated subscription');
  const sw = await h.gql('mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id total runs { nodes { id params } } } }', {
    i: { experimentId: expId, sweep: { name: 'budget', parameters: { 'pruning.budget': { values: [0.5, 0.75] } }, seeds: [1] }, priority: 10 },
  });
  assert.equal(sw.errors, undefined, JSON.stringify(sw.errors));
  const sweepId = sw.data.submitSweep.id;
  const runIds: string[] = sw.data.submitSweep.runs.nodes.map((n: { id: string }) => n.id);
  assert.equal(runIds.length, 2);
  const metricEvents: { window: number; model: string }[] = [];
  const mSub = ws.iterate<{ windowMetricAdded: { window: number; model: string; ne: number } }>({ query: 'subscription($r: ID!) { windowMetricAdded(runId: $r) { window model ne } }', variables: { r: runIds[1] } });
  (async () => {
    for await (const e of mSub) metricEvents.push(e.data!.windowMetricAdded);
  })().catch(() => {});

  const done = await waitFor('the sweep to finish', async () => {
    const s = await h.gql('query($id: ID!) { sweep(id: $id) { status succeeded failed total } }', { id: sweepId });
    return ['succeeded', 'failed', 'partial'].includes(s.data.sweep.status) ? s.data.sweep : null;
  }, 90_000, 200);
  assert.deepEqual(done, { status: 'succeeded', succeeded: 2, failed: 0, total: 2 });

  for (const id of runIds) {
    const r = await h.gql('query($id: ID!) { run(id: $id) { status progress attempts workerId summary warnings { code message } metrics(maxPoints: 100) { totalPoints downsampled points { window model ne auc } } refreshes { window trigger } servingEvals { model batchSize p50Ms } artifacts { kind name sha256 sizeBytes uri } } }', { id });
    const run = r.data.run;
    assert.equal(run.status, 'succeeded');
    assert.equal(run.progress, 1);
    assert.equal(run.attempts, 1);
    assert.equal(run.workerId, worker!.id);
    assert.equal(run.summary.windows, 4);
    assert.deepEqual(run.warnings, run.summary.warnings);
    // d2s with one warm-up window: dense on every window, serving from window 1
    const keys = run.metrics.points.map((p: { window: number; model: string }) => `${p.window}:${p.model}`).sort();
    assert.deepEqual(keys, ['0:dense', '1:dense', '1:serving', '2:dense', '2:serving', '3:dense', '3:serving']);
    assert.ok(run.metrics.points.every((p: { ne: number; auc: number }) => Number.isFinite(p.ne) && p.auc > 0 && p.auc < 1));
    assert.ok(run.refreshes.length >= 1);
    assert.ok(run.servingEvals.length >= 1);
    const onnx = run.artifacts.filter((a: { kind: string }) => a.kind === 'onnx');
    assert.ok(onnx.length >= 1, 'ONNX models are stored');
    assert.ok(run.artifacts.some((a: { kind: string }) => a.kind === 'checkpoint'));
    // The runner writes report.html itself, so a worker's run stores one as a CLI run has one.
    assert.ok(run.artifacts.some((a: { kind: string; name: string }) => a.kind === 'report' && a.name.endsWith('report.html')), 'report.html is stored');
    // the recorded sha256 and size are those of the stored file
    const a = onnx[0];
    // uri names the file inside the store (store:<key>), never the server path of the store itself
    assert.match(a.uri, /^store:projects\/[0-9a-f-]{36}\/runs\//);
    const onDisk = await sha256File(join(h.env.ARTIFACT_STORE.replace(/^file:/, ''), a.uri.replace(/^store:/, '')));
    assert.deepEqual({ sha256: a.sha256, sizeBytes: a.sizeBytes }, onDisk);
  }
  await waitFor('subscription events', async () => metricEvents.length >= 7 && runEvents.some((e) => e.id === runIds[1] && e.status === 'succeeded'), 5_000);
  assert.deepEqual(metricEvents.map((e) => `${e.window}:${e.model}`).sort(), ['0:dense', '1:dense', '1:serving', '2:dense', '2:serving', '3:dense', '3:serving']);
  assert.ok(runEvents.some((e) => e.status === 'running'));
  // The sweep is recounted before each run event goes out: every "succeeded" event already counts its run, and the
  // last one shows the finished sweep (a dashboard refreshing on runUpdated never shows a stale "running" sweep).
  await waitFor('both succeeded events', async () => runEvents.filter((e) => e.status === 'succeeded').length >= 2, 5_000);
  const succeededEvents = runEvents.filter((e) => e.status === 'succeeded');
  assert.ok(succeededEvents.every((e) => e.sweep && e.sweep.succeeded >= 1), JSON.stringify(succeededEvents));
  assert.deepEqual(succeededEvents.at(-1)!.sweep, { status: 'succeeded', queued: 0, running: 0, succeeded: 2 });
  await runSub.return?.();
  await mSub.return?.();
});

test('cancel stops a running run within a mini-batch; retry resumes it to the end with one row per window', async () => {
  const expId = await experiment('cancel me', tinyConfig({ windows: 400, rows: 2000, paradigm: { kind: 'dense', warmupWindows: 1 } }));
  const runId = await submit(expId);
  await waitFor('the first metrics', async () => (await h.db.windowMetric.count({ where: { runId } })) >= 2, 60_000, 50);
  // the worker's job for this run has returned once BullMQ reports it completed: nothing of it can write after that
  const events = new QueueEvents('runs-cpu', { connection: redisConnection(h.env.REDIS_URL), prefix: h.env.QUEUE_PREFIX });
  await events.waitUntilReady();
  const jobDone = new Promise<string>((resolve) =>
    events.on('completed', ({ jobId, returnvalue }) => {
      if (jobId.startsWith(`${runId}.`)) resolve(JSON.stringify(returnvalue));
    }),
  );
  const t0 = Date.now();
  const c = await h.gql('mutation($id: ID!) { cancelRun(id: $id) { id status cancelRequested } }', { id: runId });
  assert.equal(c.data.cancelRun.cancelRequested, true);
  await waitFor('the run to be cancelled', async () => (await runStatus(runId)).status === 'cancelled', 10_000, 20);
  const stopMs = Date.now() - t0;
  const n = await h.db.windowMetric.count({ where: { runId } });
  assert.match(await within(jobDone, 10_000, 'the cancelled job to complete'), /cancelled/);
  await events.close();
  assert.equal(await h.db.windowMetric.count({ where: { runId } }), n, 'nothing is written after the cancel');
  assert.ok(n < 800, 'the run did not finish');
  assert.ok(stopMs < 5_000, `cancelled in ${stopMs} ms`);
  // retry resumes from the checkpoint; it is cancelled again after two more windows to keep the test short.
  // The worker's local folder is wiped first, so the checkpoint must come back from the artifact store.
  const before = (await runStatus(runId)).checkpointWindow;
  assert.ok(before >= 0);
  const ckpts = await h.db.artifact.findMany({ where: { runId, kind: 'checkpoint' } });
  assert.ok(ckpts.length > 0 && ckpts.every((a) => a.window === before), 'only the latest checkpoint is kept in the store');
  await rm(join(h.env.WORKER_DIR, 'runs', runId), { recursive: true, force: true });
  const retriedAt = new Date();
  const r = await h.gql('mutation($id: ID!) { retryRun(id: $id) { status } }', { id: runId });
  assert.equal(r.data.retryRun.status, 'queued');
  await waitFor('the retried run to make progress past its checkpoint', async () => (await runStatus(runId)).checkpointWindow > before + 1, 30_000, 50);
  await h.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: runId });
  await waitFor('the retried run to be cancelled', async () => (await runStatus(runId)).status === 'cancelled', 10_000, 20);
  const rows = await metricKeys(runId);
  const windows = rows.map((m) => m.window);
  assert.deepEqual(windows, Array.from({ length: windows.length }, (_, i) => i), 'no window lost across cancel and retry');
  assert.ok(rows.filter((m) => m.window <= before).every((m) => m.createdAt < retriedAt), 'resumed from the stored checkpoint, not from scratch');
  assert.ok(rows.some((m) => m.window > before + 1 && m.createdAt > retriedAt));
  assert.equal((await runStatus(runId)).attempts, 2);
});

test('a worker takes only jobs for its backend', async () => {
  const cfg = tinyConfig({ windows: 2 }) as Record<string, unknown>;
  const expId = await experiment('webgpu only', { ...cfg, engine: { device: 'webgpu' } });
  const runId = await submit(expId);
  // a cpu run queued after it: once the worker has finished that one, it has taken jobs since the webgpu run was
  // queued, and left that one alone
  const cpuRun = await submit(await experiment('cpu after', tinyConfig({ windows: 2 })));
  await waitFor('the later cpu run to succeed', async () => (await runStatus(cpuRun)).status === 'succeeded', 60_000);
  assert.equal((await runStatus(runId)).status, 'queued', 'the cpu worker left it alone');
  const q = new Queue('runs-webgpu', { connection: redisConnection(h.env.REDIS_URL), prefix: h.env.QUEUE_PREFIX });
  const waiting = await q.getJobs(['prioritized', 'waiting']);
  assert.ok(waiting.some((j) => j.data.runId === runId));
  await q.close();
  const w = await h.gql('{ workers { id backend alive } }');
  assert.ok(w.data.workers.some((x: { id: string; backend: string; alive: boolean }) => x.id === worker!.id && x.backend === 'cpu' && x.alive));
  await h.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: runId });
});

test('deleteExperiment is a hard delete: rows and stored artifacts', async () => {
  const expId = await experiment('to delete', tinyConfig({ windows: 2 }));
  const runId = await submit(expId);
  await waitFor('the run to succeed', async () => (await runStatus(runId)).status === 'succeeded', 60_000);
  const arts = await h.db.artifact.findMany({ where: { runId } });
  assert.ok(arts.length > 0);
  const store = new DirectoryStore(h.env.ARTIFACT_STORE.slice(5));
  assert.ok(arts.every((a) => existsSync(join(store.root, a.key))));
  const d = await h.gql('mutation($id: ID!) { deleteExperiment(id: $id) { id deletedRuns deletedArtifacts } }', { id: expId }, h.tokens.editor);
  assert.deepEqual(d.data.deleteExperiment, { id: expId, deletedRuns: 1, deletedArtifacts: arts.length });
  assert.equal(await h.db.run.count({ where: { id: runId } }), 0);
  assert.equal(await h.db.windowMetric.count({ where: { runId } }), 0);
  assert.equal(await h.db.artifact.count({ where: { runId } }), 0);
  assert.ok(arts.every((a) => !existsSync(join(store.root, a.key))));
});

test('kill -9 of a worker mid-run: a new worker resumes and every (window, model) row appears exactly once', async () => {
  await worker!.close(); // only child processes take jobs from here on
  worker = null;
  const config = tinyConfig({ windows: 10, rows: 1000, seed: 7 });
  const expId = await experiment('crash me', config);
  const first = h.spawnWorker();
  const runId = await submit(expId);
  await waitFor('a checkpoint after window 2', async () => (await runStatus(runId)).checkpointWindow >= 2, 90_000, 25);
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const killedAt = new Date();
  const at = await runStatus(runId);
  assert.equal(at.status, 'running', 'killed mid-run');
  assert.ok(at.checkpointWindow < 9, 'killed before the end');
  const second = h.spawnWorker();
  const done = await waitFor('the resumed run to finish', async () => {
    const r = await runStatus(runId);
    return r.status === 'succeeded' || r.status === 'failed' ? r : null;
  }, 120_000, 100);
  assert.equal(done.status, 'succeeded', done.error ?? '');
  assert.equal(done.attempts, 2, 'the stalled job ran again');
  const rows = await metricKeys(runId);
  // The same config run uninterrupted, in-process, gives the same (window, model) set and the same metrics.
  const outDir = await mkdtemp(join(h.tmp, 'reference-'));
  const reference: { window: number; model: string; ne: number | null; auc: number | null }[] = [];
  await runExperiment({ config: experimentConfig.parse(config), outDir, onEvent: (e) => void (e.type === 'window' && reference.push(...e.metrics)) });
  const ref = reference.map((m) => ({ key: `${m.window}:${m.model}`, ne: m.ne, auc: m.auc })).sort((a, b) => a.key.localeCompare(b.key));
  const got = rows.map((m) => ({ key: `${m.window}:${m.model}`, ne: m.ne, auc: m.auc })).sort((a, b) => a.key.localeCompare(b.key));
  assert.equal(got.length, 10 * 2 - 1);
  assert.deepEqual(got, ref);
  // resumed, not restarted: windows up to the checkpoint were not written again
  const early = rows.filter((m) => m.window <= at.checkpointWindow);
  assert.ok(early.length > 0 && early.every((m) => m.createdAt < killedAt), 'windows before the checkpoint kept their first write');
  assert.ok(rows.some((m) => m.createdAt > killedAt));
  second.kill('SIGTERM');
  await new Promise((r) => second.once('exit', r));
});

test('SIGTERM to a worker mid-run puts the run back in the queue without using an attempt; the next worker resumes it', async () => {
  await worker?.close();
  worker = null;
  const expId = await experiment('stop me', tinyConfig({ windows: 10, rows: 1000, seed: 11 }));
  const first = h.spawnWorker();
  const runId = await submit(expId, { maxAttempts: 1 });
  await waitFor('a checkpoint after window 1', async () => (await runStatus(runId)).checkpointWindow >= 1, 90_000, 25);
  first.kill('SIGTERM');
  const code = await new Promise((r) => first.once('exit', (c) => r(c)));
  assert.equal(code, 0, 'the worker exits cleanly');
  const stopped = await runStatus(runId);
  assert.equal(stopped.status, 'queued');
  const second = h.spawnWorker();
  const done = await waitFor('the run to finish on the next worker', async () => {
    const r = await runStatus(runId);
    return r.status === 'succeeded' || r.status === 'failed' ? r : null;
  }, 120_000, 100);
  assert.equal(done.status, 'succeeded', `maxAttempts 1 and still succeeded: the stop did not count as a failure (${done.error ?? ''})`);
  assert.equal((await metricKeys(runId)).length, 10 * 2 - 1);
  second.kill('SIGTERM');
  await new Promise((r) => second.once('exit', r));
});
