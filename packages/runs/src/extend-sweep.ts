// Adding runs to a sweep that exists (a model-based search proposing its next points): the decision and the insert
// happen under the sweep's row lock, so two workers finishing runs of the same sweep at once never both add the
// points one of them should; the new runs are then enqueued and announced as submitRuns does.
import { runsByIds, runsOfSweepInCreationOrder, type Db, type Run } from '@driftprune/db';
import { insertQueuedRuns, withSweepLock } from '@driftprune/db/run-lifecycle';
import { announceTransitions } from './announce.js';
import type { LifecycleDeps, NewRun } from './lifecycle.js';
import { transitionRun } from './run-status.js';

/**
 * Locks the sweep, hands its runs to `decide`, inserts the runs it returns (queued), then enqueues and announces
 * them. The new rows (none when the sweep is gone or `decide` returns none).
 */
export async function extendSweep(deps: LifecycleDeps, sweepId: string, decide: (runs: Run[]) => NewRun[] | Promise<NewRun[]>): Promise<Run[]> {
  const created =
    (await withSweepLock(deps.db, sweepId, async (tx) => {
      const fresh = (await decide(await runsOfSweepInCreationOrder(tx, sweepId))).map((r) => ({ ...r, sweepId }));
      if (!fresh.length) return [];
      await insertQueuedRuns(tx, fresh, new Date());
      return runsByIds(tx, fresh.map((r) => r.id));
    })) ?? [];
  for (const run of created) {
    try {
      await deps.queues.enqueue(run);
    } catch (e) {
      await transitionRun(deps.db as Db, 'fail', run.id, { from: ['queued'], data: { error: `could not enqueue: ${(e as Error).message}`, finishedAt: new Date() } }).catch(() => null);
    }
  }
  if (created.length) await announceTransitions(deps.db, deps.events, created);
  return created;
}
