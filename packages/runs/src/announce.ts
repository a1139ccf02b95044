// After a run's status changed: its sweep's counts first, then the event, so that a dashboard re-reading the run's
// sweep on runUpdated sees counts that include this transition.
import type { Db, Run } from '@driftprune/db';
import type { RunEvents } from './events.js';
import { refreshSweepStatus } from './sweep-status.js';

export async function announceTransition(db: Db, events: RunEvents, run: Pick<Run, 'id' | 'projectId' | 'status' | 'sweepId'>): Promise<void> {
  if (run.sweepId) await refreshSweepStatus(db, run.sweepId);
  await events.runUpdated(run);
}

/** Many runs at once: each sweep recounted once, then one event per run. */
export async function announceTransitions(db: Db, events: RunEvents, runs: readonly Pick<Run, 'id' | 'projectId' | 'status' | 'sweepId'>[]): Promise<void> {
  for (const sweepId of new Set(runs.map((r) => r.sweepId).filter((s): s is string => !!s))) await refreshSweepStatus(db, sweepId);
  await Promise.all(runs.map((r) => events.runUpdated(r)));
}
