// Reconciliation of Postgres (the source of truth for runs) with the BullMQ queues: a run that is queued or running
// in Postgres but has no job left in Redis (Redis flushed, or restarted without persistence, which is how our Redis
// runs) would otherwise wait forever. Each such run is enqueued again and resumes from its last stored checkpoint.
import type { Db } from '@driftprune/db';
import type { RunQueues } from './queues.js';

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
  const live = await queues.liveRunIds();
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

