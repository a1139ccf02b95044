// The worker's heartbeat: its row and its runs' heartbeatAt (reconcile takes a run whose heartbeat is stale for one
// without a worker), and the database's word on each run it executes, since a stop message can be missed: a run
// asked to cancel, deleted, or claimed again by a later attempt is stopped here.
import { recordWorkerBeat, runAttemptStates, touchRunHeartbeats, type Db } from '@driftprune/db';
import type { Executions } from './executions.js';

export interface HeartbeatOptions {
  db: Db;
  workerId: string;
  executions: Executions;
  everyMs: number;
  log: (msg: string) => void;
}

export async function beatOnce({ db, workerId, executions }: HeartbeatOptions): Promise<void> {
  const now = new Date();
  // Judge only the executions whose rows were asked for: one that starts while this beat awaits the database has no
  // row in the answer, and taking that for "deleted" stopped a freshly claimed run (seen in the comparison of
  // 2026-12-07: the job failed with "cancel refused" and ran again 6 minutes later).
  const asked = executions.all();
  const ids = asked.map((e) => e.claim.runId);
  await recordWorkerBeat(db, workerId, now, ids);
  if (!ids.length) return;
  await touchRunHeartbeats(db, ids, now);
  const rows = new Map((await runAttemptStates(db, ids)).map((r) => [r.id, r]));
  for (const e of asked) {
    if (executions.get(e.claim.runId) !== e) continue; // ended, or replaced by a newer claim meanwhile
    const row = rows.get(e.claim.runId);
    if (!row) executions.stop(e.claim.runId, 'deleted');
    else if (row.attempts !== e.claim.attempt) executions.stop(e.claim.runId, 'superseded');
    else if (row.cancelRequested) executions.stop(e.claim.runId, 'cancelled');
  }
}

/** Beats every `everyMs`; the returned function stops it. */
export function startHeartbeat(opts: HeartbeatOptions): () => void {
  const timer = setInterval(() => beatOnce(opts).catch((e) => opts.log(`heartbeat failed: ${(e as Error).message}`)), opts.everyMs);
  return () => clearInterval(timer);
}
