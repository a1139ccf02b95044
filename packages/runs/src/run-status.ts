// The one place that writes Run.status. Each transition is a conditional update: the row changes only if its status
// (and any extra condition: the claiming attempt, the queueing a job was made for) still holds in the database at the
// moment of the write; otherwise nothing changes and a coded RunTransitionError says why. The table and the decision
// are here; the UPDATE itself is the storage half in @driftprune/db/run-lifecycle (writeRunStatus), which only this
// module may import (ESLint).
import { runStatusById, type Db, type Run, type RunStatus } from '@driftprune/db';
import { flagCancelRequested, writeRunStatus, type RunStatusCondition, type RunStatusFields } from '@driftprune/db/run-lifecycle';
import { RUN_TRANSITIONS, RunTransitionError, type RunTransition } from './transitions.js';

/** Fields a transition writes besides the status; never the status itself (the table decides it). */
export type TransitionData = RunStatusFields;
/** Extra conditions of the update, besides the id and the status. */
export type TransitionCondition = RunStatusCondition;

export interface TransitionOptions {
  /** A narrower set of start statuses than the table's (e.g. the API cancels only queued runs at once). */
  from?: readonly RunStatus[];
  where?: TransitionCondition;
  data?: TransitionData;
}

type StatusTransition = Exclude<RunTransition, 'delete'>;

function startStatuses(t: StatusTransition, from?: readonly RunStatus[]): RunStatus[] {
  const legal = RUN_TRANSITIONS[t].from as readonly RunStatus[];
  if (!from) return [...legal];
  const outside = from.filter((s) => !legal.includes(s));
  if (outside.length) throw new Error(`${t} cannot start from ${outside.join(', ')} (the table allows ${legal.join(', ')})`);
  return [...from];
}

/** Applies one transition to one run; the updated row, or a RunTransitionError (the row unchanged). */
export async function transitionRun(db: Db, t: StatusTransition, runId: string, opts: TransitionOptions = {}): Promise<Run> {
  const from = startStatuses(t, opts.from);
  const to = RUN_TRANSITIONS[t].to;
  const [row] = await writeRunStatus(db, [runId], from, to, opts.where, opts.data);
  if (row) return row;
  const now = await runStatusById(db, runId);
  if (!now) throw new RunTransitionError('RUN_NOT_FOUND', t, runId, null);
  if (!from.includes(now.status)) throw new RunTransitionError('ILLEGAL_TRANSITION', t, runId, now.status);
  throw new RunTransitionError('PRECONDITION_FAILED', t, runId, now.status);
}

/**
 * Applies one transition to many runs in one statement (cancelSweep): the rows that qualified, updated. Runs whose
 * status or condition did not hold are left as they are (the caller decides what that means).
 */
export async function transitionRuns(db: Db, t: StatusTransition, runIds: readonly string[], opts: TransitionOptions = {}): Promise<Run[]> {
  if (!runIds.length) return [];
  const from = startStatuses(t, opts.from);
  return writeRunStatus(db, runIds, from, RUN_TRANSITIONS[t].to, opts.where, opts.data);
}

/**
 * Asks running runs to stop (cancelRun of a running run): sets cancelRequested, not the status. Their worker sees
 * the stop message (or the flag at its next heartbeat) and applies `cancel` once it has stopped. The rows flagged.
 */
export function requestCancel(db: Db, runIds: readonly string[]): Promise<Run[]> {
  return flagCancelRequested(db, runIds);
}
