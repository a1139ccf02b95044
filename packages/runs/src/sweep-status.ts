// A sweep's status follows its runs: recount them and derive the status in one statement. The only writer of
// Sweep.status and its counts (besides the counts a new sweep is created with, in lifecycle.ts).
import { sweepSearchBudget } from '@driftprune/config';
import { distinctPointCountOfSweep, runCountsOfSweepByStatus, sweepConfigById, type DbClient, type Db, type SweepStatus } from '@driftprune/db';
import { withSweepLock, writeSweepStatus, type SweepCounts } from '@driftprune/db/run-lifecycle';

export type { SweepCounts };

/**
 * queued until a run starts; running while any run is queued or running, or while a model-based search (method tpe)
 * has points left to propose (`morePlanned`) and none of its runs was cancelled (a cancel ends the search: cancelSweep
 * cancels them all); then the finished runs decide.
 */
export function sweepStatusOf(c: SweepCounts, morePlanned = false): SweepStatus {
  if (c.total === 0) return 'queued';
  if (morePlanned && c.cancelled === 0) return 'running';
  if (c.running > 0 || (c.queued > 0 && c.queued < c.total)) return 'running';
  if (c.queued === c.total) return 'queued';
  // a run the sweep's own rule stopped finished as the sweep planned
  if (c.succeeded + c.stopped === c.total) return 'succeeded';
  if (c.cancelled === c.total) return 'cancelled';
  if (c.failed === c.total) return 'failed';
  if (c.succeeded + c.stopped === 0 && c.failed + c.cancelled === c.total) return c.failed > 0 ? 'failed' : 'cancelled';
  return 'partial';
}

/**
 * Recounts a sweep's runs and stores the counts and status. Call it after every run transition has committed.
 * Concurrent refreshes of one sweep (two workers finishing its runs at once) are serialised on the sweep's row:
 * each counts only after taking the row lock, so the last one to write has seen every committed transition. (Counting
 * first and writing after, as before, let an older count overwrite a newer one: a sweep could stay "running" with
 * all its runs succeeded.)
 */
export async function refreshSweepStatus(db: Db, sweepId: string): Promise<{ status: SweepStatus; counts: SweepCounts } | null> {
  // counted only once the lock is held (withSweepLock takes it first)
  return withSweepLock(db, sweepId, async (tx) => {
    const counts: SweepCounts = { total: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, stopped: 0 };
    for (const g of await runCountsOfSweepByStatus(tx, sweepId)) {
      counts[g.status] = g.count;
      counts.total += g.count;
    }
    const status = sweepStatusOf(counts, await morePlanned(tx, sweepId));
    const finished = !['queued', 'running'].includes(status);
    await writeSweepStatus(tx, sweepId, { ...counts, status, finishedAt: finished ? new Date() : null });
    return { status, counts };
  });
}

/** Whether a tpe sweep has fewer points (distinct swept values, any seed) than its samples: its search goes on. */
async function morePlanned(tx: DbClient, sweepId: string): Promise<boolean> {
  const sweep = await sweepConfigById(tx, sweepId);
  const budget = sweepSearchBudget(sweep?.config);
  if (budget?.method !== 'tpe') return false;
  return (await distinctPointCountOfSweep(tx, sweepId)) < budget.samples;
}
