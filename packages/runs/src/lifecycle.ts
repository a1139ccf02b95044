// The producer side of a run's life, for the API: submit, cancel, retry, delete. Postgres first (the source of
// truth), then the queue, then the events.
import { artifactCountOfRuns, liveRunIdsAmong, runArtifactPrefix, runById, runsByIds, type ArtifactStore, type Db, type Run } from '@driftprune/db';
import { insertQueuedRuns, insertSweepWithQueuedRuns, type NewRunRow, type NewSweepRow } from '@driftprune/db/run-lifecycle';
import { announceTransition, announceTransitions } from './announce.js';
import type { RunEvents } from './events.js';
import type { RunQueues } from './queues.js';
import { requestCancel, transitionRun, transitionRuns } from './run-status.js';
import { refreshSweepStatus } from './sweep-status.js';

export interface LifecycleDeps {
  db: Db;
  queues: RunQueues;
  events: RunEvents;
  /** Where the runs' files are (deleteRuns removes them). */
  store?: ArtifactStore;
}

/** A run to create: everything but its life (status, attempts, times), which this package sets. */
export type NewRun = NewRunRow;
/** A sweep to create with its runs: everything but its status and counts. */
export type NewSweep = NewSweepRow;

/** Enqueues runs already in the database; a run whose job cannot be enqueued fails with the reason. */
async function enqueueAll(deps: LifecycleDeps, runs: Run[]): Promise<void> {
  for (const run of runs) {
    try {
      await deps.queues.enqueue(run);
    } catch (e) {
      await transitionRun(deps.db, 'fail', run.id, { from: ['queued'], data: { error: `could not enqueue: ${(e as Error).message}`, finishedAt: new Date() } }).catch(() => null);
    }
  }
}

/** Inserts runs (and their sweep, in one transaction), enqueues them, announces them. The rows, in insertion order. */
export async function submitRuns(deps: LifecycleDeps, runs: readonly NewRun[], sweep?: NewSweep): Promise<Run[]> {
  const queuedAt = new Date();
  if (sweep) await insertSweepWithQueuedRuns(deps.db, sweep, runs, queuedAt);
  else await insertQueuedRuns(deps.db, runs, queuedAt);
  const byId = new Map((await runsByIds(deps.db, runs.map((r) => r.id))).map((r) => [r.id, r]));
  const rows = runs.map((r) => byId.get(r.id)!);
  await enqueueAll(deps, rows);
  const after = await runsByIds(deps.db, rows.map((r) => r.id));
  const now = new Map(after.map((r) => [r.id, r]));
  const fresh = rows.map((r) => now.get(r.id) ?? r);
  await announceTransitions(deps.db, deps.events, fresh);
  return fresh;
}

export interface CancelResult {
  /** Queued runs, cancelled at once. */
  cancelled: Run[];
  /** Running runs asked to stop; their workers cancel them once stopped. */
  stopping: Run[];
}

/**
 * Cancels runs in a few statements however many (cancelSweep): queued ones at once, running ones asked to stop.
 * A run that moved between the two (claimed, or put back in the queue by its worker) is tried again, a few times.
 * Runs already finished are left as they are.
 */
export async function cancelRuns(deps: LifecycleDeps, runIds: readonly string[]): Promise<CancelResult> {
  const result: CancelResult = { cancelled: [], stopping: [] };
  let pending = [...new Set(runIds)];
  for (let round = 0; round < 3 && pending.length; round++) {
    const cancelled = await transitionRuns(deps.db, 'cancel', pending, { from: ['queued'], data: { cancelRequested: true, finishedAt: new Date() } });
    const done = new Set(cancelled.map((r) => r.id));
    const stopping = await requestCancel(deps.db, pending.filter((id) => !done.has(id)));
    for (const r of stopping) done.add(r.id);
    result.cancelled.push(...cancelled);
    result.stopping.push(...stopping);
    const left = pending.filter((id) => !done.has(id));
    pending = left.length ? await liveRunIdsAmong(deps.db, left) : [];
  }
  await deps.queues.removeWaiting(result.cancelled.map((r) => ({ runId: r.id, queuedAt: r.queuedAt })));
  await Promise.all(result.stopping.map((r) => deps.events.stop(r.id, 'cancelled')));
  await announceTransitions(deps.db, deps.events, [...result.cancelled, ...result.stopping]);
  return result;
}

/** Puts a failed or cancelled run back in the queue, with a new job. The row after. */
export async function retryRun(deps: LifecycleDeps, runId: string): Promise<Run> {
  const run = await transitionRun(deps.db, 'retry', runId, { data: { cancelRequested: false, error: null, finishedAt: null, queuedAt: new Date(), workerId: null } });
  await enqueueAll(deps, [run]);
  const fresh = (await runById(deps.db, runId)) ?? run;
  await announceTransition(deps.db, deps.events, fresh);
  return fresh;
}

/**
 * Deletes runs (one run, a sweep's, an experiment's): `removeRows` deletes the rows (its cascade takes the runs with
 * it), then the waiting jobs go, the workers still running one are told to stop, and the runs' stored files go.
 *
 * The rows go first, and nothing marks the runs cancelled on the way: a worker that stops one of them finds its row
 * gone and stops it as deleted; it can never take the delete for a cancel (the race of issue 12.8). Files go last: a
 * worker still finishing a window may store a file after the rows went; its Artifact insert then fails on the missing
 * run and the worker removes the file (apps/worker persist.ts).
 */
export async function deleteRuns(
  deps: LifecycleDeps & { store: ArtifactStore },
  projectId: string,
  runs: readonly Pick<Run, 'id' | 'status' | 'sweepId'>[],
  removeRows: () => Promise<unknown>,
): Promise<{ deletedRuns: number; deletedArtifacts: number }> {
  const ids = runs.map((r) => r.id);
  const deletedArtifacts = await artifactCountOfRuns(deps.db, ids);
  await removeRows();
  const live = runs.filter((r) => r.status === 'queued' || r.status === 'running');
  await deps.queues.removeWaiting(live.map((r) => ({ runId: r.id })));
  await Promise.all(live.map((r) => deps.events.stop(r.id, 'deleted')));
  // a sweep that keeps other runs is recounted (a sweep deleted with its runs is gone: nothing to do)
  for (const sweepId of new Set(runs.map((r) => r.sweepId).filter((s): s is string => !!s))) await refreshSweepStatus(deps.db, sweepId);
  // a failure here leaves folders without runs, which the workers' orphan sweep removes
  for (const id of ids) await deps.store.deletePrefix(runArtifactPrefix(projectId, id));
  return { deletedRuns: runs.length, deletedArtifacts };
}

