// The BullMQ worker: takes run jobs it can run (by engine backend), executes the experiment runner, and writes
// progress, metrics, refreshes, serving evaluations and artifacts to Postgres, the store and pub/sub as they happen.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { DelayedError, UnrecoverableError, Worker as BullWorker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { experimentConfig, loadEnv, parseConfig, type Env } from '@driftprune/config';
import { createArtifactStore, createDb, DatasetRepository, DirectoryStore, s3ClientFromEnv, Prisma, refreshSweepStatus, type ArtifactStore, type Db, type Run } from '@driftprune/db';
import type { RunEvent } from '@driftprune/experiment';
import { DataRoots, DatasetCache, RunDataResolver, StoredDatasets, type PreparedRunData } from '@driftprune/datasets';
import { channels, publishJson, queueNamesForBackend, reconcileRuns, redisConnection, RunQueues, type Backend, type CancelMessage, type ChangedMessage, type RunJobData } from '@driftprune/runs';
import { restoreCheckpoint, RunDeletedError, storeArtifact, storeCheckpoint, upsertMetrics, upsertRefresh, upsertServing } from './persist.js';
import { selectBackend } from './device.js';
import { sweepOrphanArtifacts } from './orphans.js';
import { armWallBudget, assertFitsBudget, budgetErrorOf, isPermanentRunError, runBudgetFor } from './run-budget.js';
import { executeRun, type Runner } from './execute-run.js';
import { removeEmptyDirs } from './work-dirs.js';

export type { Runner };

export interface WorkerOptions {
  env?: Env;
  db?: Db;
  /**
   * The experiment runner, called in this process (tests); by default the real one from @driftprune/experiment runs
   * in a child process per run, under the run's memory budget (child-runner.ts).
   */
  runner?: Runner;
  log?: (msg: string) => void;
}

export interface WorkerHandle {
  id: string;
  backend: Backend;
  /** Stops taking jobs; runs in progress are aborted and go back to the queue (they resume from their checkpoint). */
  close(): Promise<void>;
}

const PROGRESS_EVERY_MS = 1_000;

export async function startWorker(opts: WorkerOptions = {}): Promise<WorkerHandle> {
  const env = opts.env ?? loadEnv();
  const log = opts.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const ownDb = !opts.db;
  const db = opts.db ?? createDb({ url: env.DATABASE_URL, poolSize: Math.max(4, env.WORKER_CONCURRENCY * 2) });
  const store: ArtifactStore = createArtifactStore(env);
  const runner = opts.runner ?? null;
  // The configured device, checked against the hardware: no WebGPU adapter → cpu, with a log line.
  const backend = selectBackend(env.DRIFTPRUNE_DEVICE, log);
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const workDir = resolve(env.WORKER_DIR);
  // data.path may only name files inside the data roots, which may not overlap what the platform writes
  const dataRoots = DataRoots.parse(env.DATA_ROOTS);
  dataRoots.assertSeparateFrom(workDir, 'WORKER_DIR');
  if (store instanceof DirectoryStore) dataRoots.assertSeparateFrom(store.root, 'ARTIFACT_STORE');
  // registered datasets: fetched by hash into a bounded cache on this worker's disk
  const cacheDir = resolve(env.DATASET_CACHE_DIR ?? join(workDir, 'datasets'));
  dataRoots.assertSeparateFrom(cacheDir, 'DATASET_CACHE_DIR');
  const datasetCache = new DatasetCache(cacheDir, env.DATASET_CACHE_MB * 2 ** 20, log);
  const s3 = env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY ? () => s3ClientFromEnv(env) : null;
  const runData = new RunDataResolver(dataRoots, new StoredDatasets(new DatasetRepository(db), store, datasetCache, dataRoots, s3));
  const ch = channels(env.QUEUE_PREFIX);
  const pub = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const sub = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  pub.on('error', (e) => log(`redis: ${e.message}`));
  sub.on('error', (e) => log(`redis: ${e.message}`));
  const active = new Map<string, AbortController>();
  let closing = false;

  await db.worker.upsert({
    where: { id },
    create: { id, host: hostname(), pid: process.pid, backend, device: env.DRIFTPRUNE_DEVICE, concurrency: env.WORKER_CONCURRENCY },
    update: {},
  });

  // Cancellation: the API publishes the run id; the runner checks the signal at least once per mini-batch.
  await sub.subscribe(ch.cancel);
  sub.on('message', (channel: string, message: string) => {
    if (channel !== ch.cancel) return;
    try {
      const { runId } = JSON.parse(message) as CancelMessage;
      active.get(runId)?.abort(new Error('cancelled'));
    } catch {
      // ignore malformed control messages
    }
  });

  const announce = (run: Pick<Run, 'id' | 'projectId' | 'status'>) => publishJson(pub, ch.run, { projectId: run.projectId, runId: run.id, status: run.status });
  /** After writes that have no event of their own: API processes drop cached responses of the project. */
  const changed = (projectId: string) => publishJson(pub, ch.changed, { projectId } satisfies ChangedMessage);
  // A status change: the sweep's counts first, then the event, so that a dashboard re-reading the run's sweep on
  // runUpdated sees counts that include this transition.
  const transitioned = async (run: Pick<Run, 'id' | 'projectId' | 'status' | 'sweepId'>) => {
    if (run.sweepId) await refreshSweepStatus(db, run.sweepId);
    await announce(run);
  };

  const heartbeat = async () => {
    const now = new Date();
    const ids = [...active.keys()];
    await db.worker.update({ where: { id }, data: { heartbeatAt: now, activeRuns: ids } });
    if (!ids.length) return;
    await db.run.updateMany({ where: { id: { in: ids } }, data: { heartbeatAt: now } });
    // A cancel message can be missed (e.g. published while Redis reconnected): the database flag is authoritative.
    const cancelled = await db.run.findMany({ where: { id: { in: ids }, cancelRequested: true }, select: { id: true } });
    for (const r of cancelled) active.get(r.id)?.abort(new Error('cancelled'));
  };
  const beat = setInterval(() => heartbeat().catch((e) => log(`heartbeat failed: ${(e as Error).message}`)), env.WORKER_HEARTBEAT_MS);

  async function processRun(job: Job<RunJobData>, token?: string): Promise<{ runId: string; outcome: string }> {
    const { runId } = job.data;
    const run = await db.run.findUnique({ where: { id: runId } });
    if (!run) return { runId, outcome: 'deleted' };
    if (run.cancelRequested || run.status === 'cancelled' || run.status === 'succeeded') return { runId, outcome: `skipped (${run.status})` };
    const now = new Date();
    const claimed = await db.run.updateMany({
      where: { id: runId, status: { in: ['queued', 'running'] }, cancelRequested: false },
      data: { status: 'running', attempts: { increment: 1 }, workerId: id, startedAt: run.startedAt ?? now, heartbeatAt: now, error: null },
    });
    if (!claimed.count) return { runId, outcome: 'skipped (changed meanwhile)' };
    await transitioned({ ...run, status: 'running' });

    const ac = new AbortController();
    active.set(runId, ac);
    const outDir = join(workDir, 'runs', runId);

    // Refresh events are keyed by (window, seq); seq counts refreshes within a window in this execution, which a
    // deterministic replay reproduces.
    const refreshSeq = new Map<number, number>();
    let lastProgressAt = 0;
    const onEvent = async (e: RunEvent) => {
      switch (e.type) {
        case 'window': {
          await upsertMetrics(db, runId, e.metrics);
          for (const m of e.metrics) await publishJson(pub, ch.metric, { runId, projectId: run.projectId, ...m });
          break;
        }
        case 'refresh': {
          const seq = refreshSeq.get(e.refresh.window) ?? 0;
          refreshSeq.set(e.refresh.window, seq + 1);
          await upsertRefresh(db, runId, seq, e.refresh);
          await changed(run.projectId);
          break;
        }
        case 'serving': {
          await upsertServing(db, runId, e.evals);
          for (const p of e.artifactPaths) await storeArtifact(db, store, run, outDir, p, 'onnx', e.evals[0]?.window ?? null);
          await changed(run.projectId);
          break;
        }
        case 'checkpoint': {
          await storeCheckpoint(db, store, run, outDir, e.path, e.window);
          await changed(run.projectId);
          break;
        }
        case 'progress': {
          const t = Date.now();
          if (t - lastProgressAt < PROGRESS_EVERY_MS && e.progress.fraction !== 1) break;
          lastProgressAt = t;
          await db.run.update({
            where: { id: runId },
            data: { progress: e.progress.fraction ?? 0, progressInfo: e.progress as unknown as Prisma.InputJsonValue, heartbeatAt: new Date() },
          });
          await job.updateProgress(e.progress.fraction ?? 0);
          await announce(run);
          break;
        }
        case 'log':
          await job.log(`[${e.level}] ${e.message}`);
          break;
      }
    };

    let data: PreparedRunData | null = null;
    let disarmBudget = () => {};
    try {
      const localCheckpoint = existsSync(join(outDir, 'checkpoint', 'state.json'));
      let resume = localCheckpoint;
      if (!localCheckpoint && run.checkpointWindow >= 0) resume = (await restoreCheckpoint(db, store, runId, run.checkpointWindow, outDir)) > 0;
      if (resume) log(`run ${runId}: resuming after window ${run.checkpointWindow} (attempt ${run.attempts + 1})`);
      else log(`run ${runId}: starting (${run.paradigm}, attempt ${run.attempts + 1})`);
      const config = parseConfig(experimentConfig, run.config, `run ${runId} config`);
      // the run's budget (run-budget.ts): refused now if its models cannot fit; wall time counted from here
      const budget = runBudgetFor(env, config);
      assertFitsBudget(config, budget);
      disarmBudget = armWallBudget(ac, budget);
      data = await runData.prepare(run.projectId, config, ac.signal);
      const summary = await executeRun(runner, { config: data.config, outDir, resume, signal: ac.signal, onEvent }, budget, log);
      for (const f of ['summary.json', 'report.html']) if (existsSync(join(outDir, f))) await storeArtifact(db, store, run, outDir, join(outDir, f), 'report', null);
      const done = await db.run.update({
        where: { id: runId },
        data: { status: 'succeeded', progress: 1, summary: summary as unknown as Prisma.InputJsonValue, finishedAt: new Date(), error: null },
      });
      log(`run ${runId}: succeeded in ${summary.wallSec.toFixed(1)} s`);
      await transitioned(done);
      return { runId, outcome: 'succeeded' };
    } catch (err) {
      // a budget that ran out is the reason, whatever the aborted runner threw
      const e = budgetErrorOf(ac.signal) ?? (err as Error);
      // deleted (deleteExperiment) while it ran: nothing to record or retry; files it stored late are gone already
      const deleted = () => {
        const late = e instanceof RunDeletedError && e.removedFiles ? `; ${e.removedFiles} file(s) it stored after the delete removed from the store` : '';
        log(`run ${runId}: deleted while running; stopped${late}`);
        return { runId, outcome: 'deleted' };
      };
      const current = await db.run.findUnique({ where: { id: runId } });
      if (!current) return deleted();
      // The delete can also land between that read and the status update below (deleteExperiment cancels, then deletes).
      const updateUnlessDeleted = (data: Prisma.RunUpdateInput) =>
        db.run.update({ where: { id: runId }, data }).catch((u: unknown) => {
          if (u instanceof Prisma.PrismaClientKnownRequestError && u.code === 'P2025') return null;
          throw u;
        });
      if (ac.signal.aborted && current.cancelRequested) {
        const c = await updateUnlessDeleted({ status: 'cancelled', finishedAt: new Date() });
        if (!c) return deleted();
        log(`run ${runId}: cancelled`);
        await transitioned(c);
        return { runId, outcome: 'cancelled' };
      }
      if (ac.signal.aborted && closing) {
        // Graceful shutdown: back to the queue without using up an attempt; the next worker resumes from the checkpoint.
        const q = await updateUnlessDeleted({ status: 'queued', error: 'worker stopped; the run will resume' });
        if (!q) return deleted();
        await transitioned(q);
        await job.moveToDelayed(Date.now() + 1_000, token);
        throw new DelayedError();
      }
      const attempts = job.opts.attempts ?? 1;
      // a bad config, path or dataset, or an exceeded budget fails the same way every time: no retry
      const permanent = isPermanentRunError(e);
      const final = permanent || job.attemptsMade + 1 >= attempts;
      const raw = e instanceof Error ? e.message : String(e);
      const message = data ? data.redact(raw) : raw;
      const r = await updateUnlessDeleted({ status: final ? 'failed' : 'queued', error: message.slice(0, 4_000), finishedAt: final ? new Date() : null });
      if (!r) return deleted();
      log(`run ${runId}: ${final ? 'failed' : 'will retry'}: ${message}`);
      await transitioned(r);
      throw permanent ? new UnrecoverableError(message) : e;
    } finally {
      disarmBudget();
      data?.release();
      // a run that stopped before writing anything leaves no empty folder behind (12.7)
      await removeEmptyDirs(outDir).catch(() => null);
      active.delete(runId);
      if (run.sweepId) await refreshSweepStatus(db, run.sweepId).catch(() => null);
    }
  }

  const connection = redisConnection(env.REDIS_URL);
  const bullWorkers = queueNamesForBackend(backend).map(
    (name) =>
      new BullWorker<RunJobData>(name, processRun, {
        connection,
        prefix: env.QUEUE_PREFIX,
        concurrency: env.WORKER_CONCURRENCY,
        lockDuration: env.WORKER_LOCK_MS,
        stalledInterval: env.WORKER_LOCK_MS,
        // A worker that dies mid-run leaves a stalled job; it goes back to the queue (and resumes) this many times.
        maxStalledCount: 5,
      }),
  );
  for (const w of bullWorkers) {
    w.on('error', (e) => log(`bullmq: ${e.message}`));
    // A job that stalled too often (its workers kept dying) is failed by BullMQ without calling the processor.
    w.on('failed', (job, err) => {
      if (!job || !/stalled more than allowable limit/.test(err.message)) return;
      const runId = job.data.runId;
      db.run
        .updateMany({ where: { id: runId, status: { in: ['queued', 'running'] } }, data: { status: 'failed', error: `${err.message} (its workers kept dying)`, finishedAt: new Date() } })
        .then(async (r) => {
          if (!r.count) return;
          const run = await db.run.findUnique({ where: { id: runId } });
          if (run) await transitioned(run);
        })
        .catch((e) => log(`could not mark run ${runId} failed: ${(e as Error).message}`));
    });
  }
  await Promise.all(bullWorkers.map((w) => w.waitUntilReady()));

  // Runs whose job vanished from Redis: enqueued again (they resume from their checkpoint).
  const producer = new RunQueues(connection, env.QUEUE_PREFIX);
  const reconcile = async () => {
    const r = await reconcileRuns(db, producer, {
      staleMs: Math.max(3 * env.WORKER_HEARTBEAT_MS, 1_000),
      graceMs: env.WORKER_RECONCILE_GRACE_MS,
      log,
    });
    for (const runId of [...r.requeued, ...r.cancelled]) {
      const run = await db.run.findUnique({ where: { id: runId } });
      if (run) await transitioned(run);
    }
  };
  await reconcile().catch((e) => log(`reconcile failed: ${(e as Error).message}`));
  // Folders of deleted runs left in the store (e.g. a worker killed between a file's put and its row): in the
  // background, since listing a large bucket takes a while; close() waits for it.
  const orphanGraceMs = env.WORKER_ORPHAN_GRACE_MS;
  const orphanSweep = orphanGraceMs < 0 ? Promise.resolve() : sweepOrphanArtifacts(db, store, { graceMs: orphanGraceMs, log }).then(() => undefined, (e) => log(`orphan artifact sweep failed: ${(e as Error).message}`));
  const reconcileEveryMs = env.WORKER_RECONCILE_MS;
  const reconciler = reconcileEveryMs > 0 ? setInterval(() => reconcile().catch((e) => log(`reconcile failed: ${(e as Error).message}`)), reconcileEveryMs) : null;
  log(`${id} ready: backend ${backend}, queues ${queueNamesForBackend(backend).join(', ')}, concurrency ${env.WORKER_CONCURRENCY}`);

  return {
    id,
    backend,
    async close() {
      closing = true;
      clearInterval(beat);
      if (reconciler) clearInterval(reconciler);
      for (const ac of active.values()) ac.abort(new Error('worker stopping'));
      await Promise.all(bullWorkers.map((w) => w.close()));
      await orphanSweep;
      await producer.close();
      await db.worker.update({ where: { id }, data: { stoppedAt: new Date(), activeRuns: [] } }).catch(() => null);
      sub.disconnect();
      pub.disconnect();
      if (ownDb) await db.$disconnect();
    },
  };
}
