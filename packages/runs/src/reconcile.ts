// Reconciliation of Postgres (the source of truth for runs) with the BullMQ queues: a run that is queued or running
// in Postgres but has no job left in Redis (Redis flushed, or restarted without persistence, which is how our Redis
// runs) would otherwise wait forever. Each such run is enqueued again and resumes from its last stored checkpoint.
import { unattendedRunCandidates, type Db } from '@driftprune/db';
import { announceTransition } from './announce.js';
import type { RunEvents } from './events.js';
import type { RunQueues } from './queues.js';
import { transitionRun } from './run-status.js';
import { isRefusal } from './transitions.js';

export interface ReconcileOptions {
  /** A running run whose heartbeat is older than this has no live worker. */
  staleMs: number;
  /** A queued run younger than this may be between its insert and its enqueue (the API's submit): left alone. */
  graceMs: number;
  /** Announces each transition (sweep counts, runUpdated). */
  events?: RunEvents;
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
 * is taken with a conditional transition (on the queuedAt / heartbeatAt it was read with) and only the winner enqueues.
 */
export async function reconcileRuns(db: Db, queues: RunQueues, opts: ReconcileOptions): Promise<ReconcileResult> {
  const now = Date.now();
  const candidates = await unattendedRunCandidates(db, new Date(now - opts.graceMs), new Date(now - opts.staleMs));
  const result: ReconcileResult = { requeued: [], cancelled: [] };
  if (!candidates.length) return result;
  // Listed after the candidates: a job enqueued meanwhile is seen, so it is not duplicated.
  const live = await queues.liveRunIds();
  for (const run of candidates) {
    if (live.has(run.id)) continue;
    const asRead = { from: [run.status], where: run.status === 'queued' ? { queuedAt: run.queuedAt } : { heartbeatAt: run.heartbeatAt } };
    try {
      if (run.cancelRequested) {
        const c = await transitionRun(db, 'cancel', run.id, { ...asRead, data: { finishedAt: new Date() } });
        result.cancelled.push(run.id);
        if (opts.events) await announceTransition(db, opts.events, c);
        continue;
      }
      // a new queueing (new queuedAt): the new job is the only one that stands for the run
      const q = await transitionRun(db, 'requeue', run.id, { ...asRead, data: { queuedAt: new Date(), error: 'its queue job was lost (Redis flushed or restarted); enqueued again' } });
      try {
        await queues.enqueue(q);
        result.requeued.push(run.id);
        opts.log?.(`run ${run.id}: ${run.status} without a queue job; enqueued again (it resumes from its last checkpoint)`);
      } catch (e) {
        opts.log?.(`run ${run.id}: could not enqueue again: ${(e as Error).message}`);
      }
      if (opts.events) await announceTransition(db, opts.events, q);
    } catch (e) {
      if (!isRefusal(e)) throw e; // another worker took it, or it moved on
    }
  }
  return result;
}
