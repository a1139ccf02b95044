// The BullMQ worker: takes run jobs it can run (by engine backend) and executes them (run-job.ts). This file wires the
// parts: stop messages (stop-subscription.ts), heartbeat (heartbeat.ts), the job handler, stalled jobs (stalled.ts),
// reconcile and the orphan sweep at start, and a close that never waits longer than WORKER_CLOSE_GRACE_MS.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { loadEnv, type Env } from '@driftprune/config';
import { createArtifactStore, createDb, DatasetRepository, DirectoryStore, recordWorkerStopped, registerWorker, s3ClientFromEnv, type ArtifactStore, type Db } from '@driftprune/db';
import { DataRoots, DatasetCache, RunDataResolver, StoredDatasets } from '@driftprune/datasets';
import { parseWorkerLabels, reconcileRuns, redisConnection, RunEvents, RunQueues, type Backend } from '@driftprune/runs';
import { Consumers } from './consumers.js';
import { clearLiveState, writeLiveState } from './live-state.js';
import { selectBackend } from './device.js';
import { Executions } from './executions.js';
import { startHeartbeat } from './heartbeat.js';
import { sweepOrphanArtifacts } from './orphans.js';
import type { Runner } from './execute-run.js';
import { runJobHandler } from './run-job.js';
import { resumeStalledSearches } from './sweep-search.js';
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
  /** The labels it carries (WORKER_LABELS), its backend not included. */
  labels: string[];
  /** The run queues it consumes now. */
  queues(): string[];
  /**
   * Takes no new run from now on and resolves once its runs have ended (finished, failed, cancelled…); with
   * handBackAfterMs > 0, runs still going after that long are handed back to the queue (they resume elsewhere from
   * their checkpoint). The worker stays registered, draining, until close().
   */
  drain(handBackAfterMs?: number): Promise<void>;
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
  const labels = parseWorkerLabels(env.WORKER_LABELS);
  const workDir = resolve(env.WORKER_DIR);
  const runData = runDataResolver(env, db, store, workDir, log);
  const pub = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const sub = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  for (const r of [pub, sub]) r.on('error', (e) => log(`redis: ${e.message}`));
  const events = new RunEvents(pub, env.QUEUE_PREFIX);
  const executions = new Executions();

  await registerWorker(db, { id, host: hostname(), pid: process.pid, backend, device: env.DRIFTPRUNE_DEVICE, concurrency: env.WORKER_CONCURRENCY });
  await subscribeToStops(sub, events.channels.cancel, executions);
  const stopHeartbeat = startHeartbeat({ db, workerId: id, executions, everyMs: env.WORKER_HEARTBEAT_MS, log });

  const connection = redisConnection(env.REDIS_URL);
  // the producer side: reconcile re-enqueues lost jobs; a tpe sweep's next points are enqueued from the job handler
  const producer = new RunQueues(connection, env.QUEUE_PREFIX);
  const handler = runJobHandler({ env, db, store, events, runner, runData, queues: producer, executions, workerId: id, workDir, log });
  const consumers = new Consumers({ backend, labels, connection, prefix: env.QUEUE_PREFIX, concurrency: env.WORKER_CONCURRENCY, lockMs: env.WORKER_LOCK_MS, handler, claims: { db, events }, log });
  await consumers.refresh(await producer.queueNames());
  let drainingSince: number | null = null;
  // labelled queues that appear later get consumers; the live state (labels, load, drain) goes with the beat
  const beatFleet = async () => {
    const added = drainingSince === null ? await consumers.refresh(await producer.queueNames()) : [];
    if (added.length) log(`now also consuming ${added.join(', ')}`);
    await writeLiveState(pub, env.QUEUE_PREFIX, id, env.WORKER_HEARTBEAT_MS, {
      labels: [...(backend === 'webgpu' ? ['webgpu'] : []), 'cpu', ...labels],
      queues: consumers.queues,
      busy: consumers.active,
      concurrency: env.WORKER_CONCURRENCY,
      drainingSince,
    });
  };
  await beatFleet();
  const fleetBeat = setInterval(() => beatFleet().catch((e) => log(`live state not written: ${(e as Error).message}`)), env.WORKER_HEARTBEAT_MS);

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
  log(`${id} ready: backend ${backend}, labels [${labels.join(', ')}], queues ${consumers.queues.join(', ')}, concurrency ${env.WORKER_CONCURRENCY}`);

  async function drain(handBackAfterMs = 0): Promise<void> {
    if (drainingSince === null) {
      drainingSince = Date.now();
      log(`draining: no new runs; ${consumers.active} in progress ${handBackAfterMs > 0 ? `finish, or go back to the queue after ${handBackAfterMs} ms` : 'finish'}`);
      await beatFleet().catch(() => undefined);
    }
    const idle = consumers.drain();
    if (handBackAfterMs > 0 && !(await within(idle, handBackAfterMs))) {
      log(`drain: handing back ${executions.runIds().join(', ')} (they resume elsewhere from their checkpoint)`);
      executions.closeAll();
      await idle;
    } else await idle;
    await beatFleet().catch(() => undefined);
    log('drained: no run in progress');
  }

  let closed: Promise<void> | null = null;
  async function close(): Promise<void> {
    stopHeartbeat();
    clearInterval(fleetBeat);
    if (reconciler) clearInterval(reconciler);
    executions.closeAll();
    const graceMs = env.WORKER_CLOSE_GRACE_MS;
    if (!(await within(consumers.close(), graceMs))) {
      log(`runs still running ${graceMs} ms after the stop: ${executions.runIds().join(', ')}; letting go of their jobs (another worker resumes them)`);
      await within(consumers.close(true), 5_000);
    }
    if (!(await within(orphanSweep, graceMs))) log('orphan artifact sweep still running; left unfinished');
    const quietly = (p: Promise<unknown>) => within(p, 5_000).catch((e) => log(`close: ${(e as Error).message}`));
    await quietly(producer.close());
    await quietly(recordWorkerStopped(db, id, new Date()));
    await quietly(clearLiveState(pub, env.QUEUE_PREFIX, id));
    sub.disconnect();
    pub.disconnect();
    if (!opts.db) await quietly(db.$disconnect());
  }
  return { id, backend, labels, queues: () => consumers.queues, drain, close: () => (closed ??= close()) };
}
