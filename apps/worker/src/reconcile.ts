// Reconciliation of Postgres (the source of truth for runs) with the BullMQ queues: a run that is queued or running
// in Postgres but has no job left in Redis (Redis flushed, or restarted without persistence, which is how our Redis
// runs) would otherwise wait forever. Each such run is enqueued again and resumes from its last stored checkpoint.
// Also the artifact store's side: folders of runs that no longer exist are removed (sweepOrphanArtifacts).
import { sweepOrphanRunFolders, type ArtifactStore, type Db, type OrphanSweepOptions, type OrphanSweepResult } from '@driftprune/db';
import type { Job } from 'bullmq';
import { BACKENDS, queueNameForDevice, type RunJobData, type RunQueues } from './queue.js';

/** Job states in which a job still stands for its run (it will run, runs now, or retries later). */
const LIVE_STATES = ['waiting', 'delayed', 'prioritized', 'active', 'waiting-children'] as const;

export interface ReconcileOptions {
  /** A running run whose heartbeat is older than this has no live worker. */
  staleMs: number;
  /** A queued run younger than this may be between its insert and its enqueue (the API's submit): left alone. */
  graceMs: number;
  log?: (msg: string) => void;
}

export interface ReconcileResult {
  /** Runs enqueued again. */
  requeued: string[];
  /** Runs asked to cancel whose worker is gone: marked cancelled. */
  cancelled: string[];
}

/** Run ids that have a live job in any run queue. */
export async function liveJobRunIds(queues: RunQueues): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const backend of BACKENDS) {
    const jobs: Job<RunJobData>[] = await queues.get(queueNameForDevice(backend)).getJobs([...LIVE_STATES], 0, -1);
    for (const j of jobs) if (j?.data?.runId) ids.add(j.data.runId);
  }
  return ids;
}

/**
 * Re-enqueues the queued or running runs that have no live job. Safe to run from several workers at once: each run
 * is claimed with a conditional update (on the queuedAt / heartbeatAt it was read with) and only the winner enqueues.
 */
export async function reconcileRuns(db: Db, queues: RunQueues, opts: ReconcileOptions): Promise<ReconcileResult> {
  const now = Date.now();
  const candidates = await db.run.findMany({
    where: {
      OR: [
        { status: 'queued', queuedAt: { lt: new Date(now - opts.graceMs) } },
        { status: 'running', OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: new Date(now - opts.staleMs) } }] },
      ],
    },
    select: { id: true, status: true, queuedAt: true, heartbeatAt: true, cancelRequested: true, device: true, priority: true, maxAttempts: true, sweepId: true, projectId: true },
  });
  const result: ReconcileResult = { requeued: [], cancelled: [] };
  if (!candidates.length) return result;
  // Listed after the candidates: a job enqueued meanwhile is seen, so it is not duplicated.
  const live = await liveJobRunIds(queues);
  for (const run of candidates) {
    if (live.has(run.id)) continue;
    const claim = { id: run.id, status: run.status, ...(run.status === 'queued' ? { queuedAt: run.queuedAt } : { heartbeatAt: run.heartbeatAt }) };
    if (run.cancelRequested) {
      const c = await db.run.updateMany({ where: claim, data: { status: 'cancelled', finishedAt: new Date() } });
      if (c.count) result.cancelled.push(run.id);
      continue;
    }
    const c = await db.run.updateMany({ where: claim, data: { status: 'queued', queuedAt: new Date(), error: 'its queue job was lost (Redis flushed or restarted); enqueued again' } });
    if (!c.count) continue;
    try {
      await queues.enqueue(run);
      result.requeued.push(run.id);
      opts.log?.(`run ${run.id}: ${run.status} without a queue job; enqueued again (it resumes from its last checkpoint)`);
    } catch (e) {
      opts.log?.(`run ${run.id}: could not enqueue again: ${(e as Error).message}`);
    }
  }
  return result;
}

/**
 * Removes the store folders (projects/<p>/runs/<r>/) of runs that are not in Postgres, once nothing was written to
 * them for the grace period (10 minutes by default). See sweepOrphanRunFolders in @driftprune/db.
 */
export function sweepOrphanArtifacts(db: Db, store: ArtifactStore, opts: OrphanSweepOptions = {}): Promise<OrphanSweepResult> {
  const existing = async (ids: string[]) => new Set((await db.run.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id));
  return sweepOrphanRunFolders(store, existing, opts);
}
