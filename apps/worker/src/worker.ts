// The BullMQ worker: takes run jobs it can run (by engine backend) and executes them (run-job.ts). This file wires the
// parts: stop messages (stop-subscription.ts), heartbeat (heartbeat.ts), the job handler, stalled jobs (stalled.ts),
// reconcile and the orphan sweep at start, and a close that never waits longer than WORKER_CLOSE_GRACE_MS.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker as BullWorker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadEnv, type Env } from '@driftprune/config';
import { createArtifactStore, createDb, DatasetRepository, DirectoryStore, s3ClientFromEnv, type ArtifactStore, type Db } from '@driftprune/db';
import { DataRoots, DatasetCache, RunDataResolver, StoredDatasets } from '@driftprune/datasets';
import { queueNamesForBackend, reconcileRuns, redisConnection, RunEvents, RunQueues, type Backend, type RunJobData } from '@driftprune/runs';
import { selectBackend } from './device.js';
import { Executions } from './executions.js';
import { startHeartbeat } from './heartbeat.js';
import { sweepOrphanArtifacts } from './orphans.js';
import type { Runner } from './execute-run.js';
import { runJobHandler } from './run-job.js';
import { resumeStalledSearches } from './sweep-search.js';
import { watchStalledJobs } from './stalled.js';
import { subscribeToStops } from './stop-subscription.js';

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
  /**
   * Stops taking jobs; runs in progress are stopped and go back to the queue (they resume from their checkpoint).
   * Returns within WORKER_CLOSE_GRACE_MS plus a few seconds, even if a runner ignores the stop.
   */
  close(): Promise<void>;
}

/** Where runs read data: the data roots, and registered datasets cached on this worker's disk. */
function runDataResolver(env: Env, db: Db, store: ArtifactStore, workDir: string, log: (m: string) => void): RunDataResolver {
  // data.path may only name files inside the data roots, which may not overlap what the platform writes
  const dataRoots = DataRoots.parse(env.DATA_ROOTS);
  dataRoots.assertSeparateFrom(workDir, 'WORKER_DIR');
  if (store instanceof DirectoryStore) dataRoots.assertSeparateFrom(store.root, 'ARTIFACT_STORE');
  const cacheDir = resolve(env.DATASET_CACHE_DIR ?? join(workDir, 'datasets'));
  dataRoots.assertSeparateFrom(cacheDir, 'DATASET_CACHE_DIR');
  const datasetCache = new DatasetCache(cacheDir, env.DATASET_CACHE_MB * 2 ** 20, log);
  const s3 = env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY ? () => s3ClientFromEnv(env) : null;
  return new RunDataResolver(dataRoots, new StoredDatasets(new DatasetRepository(db), store, datasetCache, dataRoots, s3));
}

/** Settles with `p`, or with false after `ms`. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  return Promise.race([p.then(() => true), late]).finally(() => clearTimeout(timer));
}

export async function startWorker(opts: WorkerOptions = {}): Promise<WorkerHandle> {
  const env = opts.env ?? loadEnv();
  const log = opts.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const db = opts.db ?? createDb({ url: env.DATABASE_URL, poolSize: Math.max(4, env.WORKER_CONCURRENCY * 2) });
  const store = createArtifactStore(env);
  const runner = opts.runner ?? null;
  // The configured device, checked against the hardware: no WebGPU adapter → cpu, with a log line.
  const backend = selectBackend(env.DRIFTPRUNE_DEVICE, log);
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const workDir = resolve(env.WORKER_DIR);
  const runData = runDataResolver(env, db, store, workDir, log);
  const pub = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const sub = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  for (const r of [pub, sub]) r.on('error', (e) => log(`redis: ${e.message}`));
  const events = new RunEvents(pub, env.QUEUE_PREFIX);
  const executions = new Executions();

  await db.worker.upsert({
    where: { id },
    create: { id, host: hostname(), pid: process.pid, backend, device: env.DRIFTPRUNE_DEVICE, concurrency: env.WORKER_CONCURRENCY },
    update: {},
  });
  await subscribeToStops(sub, events.channels.cancel, executions);
  const stopHeartbeat = startHeartbeat({ db, workerId: id, executions, everyMs: env.WORKER_HEARTBEAT_MS, log });

  const connection = redisConnection(env.REDIS_URL);
  // the producer side: reconcile re-enqueues lost jobs; a tpe sweep's next points are enqueued from the job handler
  const producer = new RunQueues(connection, env.QUEUE_PREFIX);
  const handler = runJobHandler({ env, db, store, events, runner, runData, queues: producer, executions, workerId: id, workDir, log });
  const bullWorkers = queueNamesForBackend(backend).map(
    (name) =>
      new BullWorker<RunJobData>(name, handler, {
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
    watchStalledJobs(w, { db, events }, log);
  }
  await Promise.all(bullWorkers.map((w) => w.waitUntilReady()));

  // Runs whose job vanished from Redis: enqueued again (they resume from their checkpoint).
  const reconcile = () =>
    reconcileRuns(db, producer, { staleMs: Math.max(3 * env.WORKER_HEARTBEAT_MS, 1_000), graceMs: env.WORKER_RECONCILE_GRACE_MS, events, log })
      // and tpe sweeps whose next proposal was lost with a worker (sweep-search.ts)
      .then(() => resumeStalledSearches({ db, queues: producer, events, log }))
      .catch((e) => log(`reconcile failed: ${(e as Error).message}`));
  await reconcile();
  const reconciler = env.WORKER_RECONCILE_MS > 0 ? setInterval(reconcile, env.WORKER_RECONCILE_MS) : null;
  // Folders of deleted runs left in the store (e.g. a worker killed between a file's put and its row): in the
  // background, since listing a large bucket takes a while; close() waits for it (bounded).
  const orphanSweep =
    env.WORKER_ORPHAN_GRACE_MS < 0 ? Promise.resolve() : sweepOrphanArtifacts(db, store, { graceMs: env.WORKER_ORPHAN_GRACE_MS, log }).then(() => undefined, (e) => log(`orphan artifact sweep failed: ${(e as Error).message}`));
  log(`${id} ready: backend ${backend}, queues ${queueNamesForBackend(backend).join(', ')}, concurrency ${env.WORKER_CONCURRENCY}`);

  let closed: Promise<void> | null = null;
  async function close(): Promise<void> {
    stopHeartbeat();
    if (reconciler) clearInterval(reconciler);
    executions.closeAll();
    const graceMs = env.WORKER_CLOSE_GRACE_MS;
    if (!(await within(Promise.all(bullWorkers.map((w) => w.close())), graceMs))) {
      log(`runs still running ${graceMs} ms after the stop: ${executions.runIds().join(', ')}; letting go of their jobs (another worker resumes them)`);
      await within(Promise.all(bullWorkers.map((w) => w.close(true))), 5_000);
    }
    if (!(await within(orphanSweep, graceMs))) log('orphan artifact sweep still running; left unfinished');
    const quietly = (p: Promise<unknown>) => within(p, 5_000).catch((e) => log(`close: ${(e as Error).message}`));
    await quietly(producer.close());
    await quietly(db.worker.update({ where: { id }, data: { stoppedAt: new Date(), activeRuns: [] } }));
    sub.disconnect();
    pub.disconnect();
    if (!opts.db) await quietly(db.$disconnect());
  }
  return { id, backend, close: () => (closed ??= close()) };
}
