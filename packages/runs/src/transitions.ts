// The run status machine: every status change a run can make, from which statuses, to which. The only statuses a
// run row may be written with come from here (run-status.ts applies them as conditional updates), so an illegal
// change is refused by the database's answer, not by the caller's reading of an older row.
import type { RunStatus } from '@driftprune/db';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'stopped'] as const satisfies readonly RunStatus[];
/** Fails to compile when the schema gains a status this table does not place: add it to RUN_STATUSES and the table. */
type Unplaced = Exclude<RunStatus, (typeof RUN_STATUSES)[number]>;
export const everyStatusPlaced: [Unplaced] extends [never] ? true : Unplaced = true;

/** What a transition leaves: a status, or no row at all (delete). */
export type RunStatusAfter = RunStatus | 'deleted';

export interface TransitionRule {
  from: readonly RunStatus[];
  to: RunStatusAfter;
  /** Who applies it and why (documentation, shown in refusals). */
  what: string;
}

export const RUN_TRANSITIONS = {
  /** A worker takes the run's job. From running: the same job delivered again after its worker died (it resumes). */
  claim: { from: ['queued', 'running'], to: 'running', what: 'a worker takes the run' },
  succeed: { from: ['running'], to: 'succeeded', what: 'the run finished' },
  /** Its sweep's early-stopping rule ended it at a window boundary (the worker writes Run.earlyStop with it). */
  stop: { from: ['running'], to: 'stopped', what: "the sweep's early-stopping rule ended the run" },
  /** From queued: its job could not be enqueued, or BullMQ gave up on a job whose workers kept dying. */
  fail: { from: ['queued', 'running'], to: 'failed', what: 'the run failed for good' },
  /** A person asks for another go. */
  retry: { from: ['failed', 'cancelled'], to: 'queued', what: 'retry' },
  /** Queued: at once (API). Running: by its worker once it stopped (the API only sets cancelRequested). */
  cancel: { from: ['queued', 'running'], to: 'cancelled', what: 'cancel' },
  /** Back to the queue: a worker stopping, an attempt that will be retried, a job lost from Redis (reconcile). */
  requeue: { from: ['queued', 'running'], to: 'queued', what: 'back to the queue' },
  /** The row goes (deleteRun / deleteSweep / deleteExperiment); a worker still running it stops on the missing row. */
  delete: { from: RUN_STATUSES, to: 'deleted', what: 'delete' },
} as const satisfies Record<string, TransitionRule>;

export type RunTransition = keyof typeof RUN_TRANSITIONS;
export const TRANSITION_NAMES = Object.keys(RUN_TRANSITIONS) as RunTransition[];

export function isLegal(transition: RunTransition, from: RunStatus): boolean {
  return (RUN_TRANSITIONS[transition].from as readonly RunStatus[]).includes(from);
}

/**
 * Why a transition was refused:
 * - RUN_NOT_FOUND: the row is gone (deleted meanwhile);
 * - ILLEGAL_TRANSITION: the run's status is not one the transition starts from;
 * - PRECONDITION_FAILED: the status fits but another condition does not (a worker's claim was superseded by a later
 *   attempt, a job was made for an earlier queueing of the run, a cancel was asked for before the claim).
 */
export type TransitionRefusal = 'RUN_NOT_FOUND' | 'ILLEGAL_TRANSITION' | 'PRECONDITION_FAILED';

export class RunTransitionError extends Error {
  constructor(
    readonly code: TransitionRefusal,
    readonly transition: RunTransition,
    readonly runId: string,
    /** The status the run had when refused (null: no row). */
    readonly status: RunStatus | null,
    detail?: string,
  ) {
    super(refusalMessage(code, transition, runId, status, detail));
    this.name = 'RunTransitionError';
  }
}

function refusalMessage(code: TransitionRefusal, t: RunTransition, runId: string, status: RunStatus | null, detail?: string): string {
  const rule = RUN_TRANSITIONS[t];
  if (code === 'RUN_NOT_FOUND') return `run ${runId} not found (it may have been deleted)`;
  if (code === 'ILLEGAL_TRANSITION') return `run ${runId} is ${status}; ${rule.what} needs a run that is ${rule.from.join(' or ')}`;
  return `run ${runId} (${status}) changed meanwhile; ${rule.what} refused${detail ? `: ${detail}` : ''}`;
}

export function isRefusal(e: unknown, ...codes: TransitionRefusal[]): e is RunTransitionError {
  return e instanceof RunTransitionError && (codes.length === 0 || codes.includes(e.code));
}
