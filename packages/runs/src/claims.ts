// The consumer side of a run's life, for the workers: claim the run a job stands for, then settle the claim
// (succeeded, failed, back to the queue, cancelled). A claim is fenced by its attempt number: once another claim of the
// same run was made (its job delivered again after this worker lost the job's lock), every write of the older claim
// is refused with PRECONDITION_FAILED, so two executions of one run can never both decide its status.
import { runById, type Db, type Prisma, type Run } from '@driftprune/db';
import { announceTransition } from './announce.js';
import type { RunJobData } from './contract.js';
import type { RunEvents } from './events.js';
import { transitionRun, type TransitionOptions } from './run-status.js';
import { isRefusal } from './transitions.js';

export interface RunClaim {
  runId: string;
  /** Run.attempts as this claim set it: the fence of every later write of this claim. */
  attempt: number;
  workerId: string;
  /** The run as claimed. */
  run: Run;
}

export type ClaimAnswer = { claim: RunClaim } | { skipped: string };

export interface ClaimsDeps {
  db: Db;
  events: RunEvents;
}

/**
 * Claims the run of a job for this worker: queued (or running, when the job is delivered again after its worker
 * died) becomes running, one more attempt. Skipped: the run is gone, finished, asked to cancel, or the job was made
 * for an earlier queueing of the run (a later one has its own job).
 */
export async function claimRun(deps: ClaimsDeps, job: RunJobData, workerId: string): Promise<ClaimAnswer> {
  const run = await runById(deps.db, job.runId);
  if (!run) return { skipped: 'deleted' };
  if (run.cancelRequested || run.status === 'cancelled' || run.status === 'succeeded') return { skipped: `skipped (${run.status})` };
  if (job.queuedAt !== undefined && run.queuedAt.getTime() !== job.queuedAt) return { skipped: 'skipped (a job of an earlier queueing)' };
  const now = new Date();
  try {
    const claimed = await transitionRun(deps.db, 'claim', run.id, {
      where: { cancelRequested: false, queuedAt: run.queuedAt },
      data: { attempts: { increment: 1 }, workerId, startedAt: run.startedAt ?? now, heartbeatAt: now, error: null },
    });
    await announceTransition(deps.db, deps.events, claimed);
    return { claim: { runId: run.id, attempt: claimed.attempts, workerId, run: claimed } };
  } catch (e) {
    if (isRefusal(e)) return { skipped: e.code === 'RUN_NOT_FOUND' ? 'deleted' : 'skipped (changed meanwhile)' };
    throw e;
  }
}

async function settle(deps: ClaimsDeps, claim: RunClaim, t: 'succeed' | 'stop' | 'fail' | 'requeue' | 'cancel', opts: TransitionOptions): Promise<Run> {
  const row = await transitionRun(deps.db, t, claim.runId, { from: ['running'], ...opts, where: { ...opts.where, attempts: claim.attempt } });
  await announceTransition(deps.db, deps.events, row);
  return row;
}

export function succeedRun(deps: ClaimsDeps, claim: RunClaim, summary: Prisma.InputJsonValue): Promise<Run> {
  return settle(deps, claim, 'succeed', { data: { progress: 1, summary, finishedAt: new Date(), error: null } });
}

/**
 * The sweep's early-stopping rule ended the run at a window boundary: status stopped, with where and why
 * (Run.earlyStop). Refused when a cancel was asked for meanwhile: the person's cancel wins.
 */
export function stopRunEarly(deps: ClaimsDeps, claim: RunClaim, earlyStop: Prisma.InputJsonValue): Promise<Run> {
  return settle(deps, claim, 'stop', { where: { cancelRequested: false }, data: { earlyStop, finishedAt: new Date(), error: null } });
}

export function failRun(deps: ClaimsDeps, claim: RunClaim, error: string): Promise<Run> {
  return settle(deps, claim, 'fail', { data: { error: error.slice(0, 4_000), finishedAt: new Date() } });
}

/**
 * Back to the queue, same job (the worker is stopping, or the attempt failed and BullMQ retries it). Refused when a
 * cancel was asked for meanwhile: the caller cancels instead.
 */
export function requeueRun(deps: ClaimsDeps, claim: RunClaim, error: string): Promise<Run> {
  return settle(deps, claim, 'requeue', { where: { cancelRequested: false }, data: { error: error.slice(0, 4_000), finishedAt: null } });
}

/** The run was asked to cancel and its execution stopped. */
export function cancelClaimedRun(deps: ClaimsDeps, claim: RunClaim): Promise<Run> {
  return settle(deps, claim, 'cancel', { where: { cancelRequested: true }, data: { finishedAt: new Date() } });
}

/** BullMQ gave up on the run's job (its workers kept dying): failed, whoever claimed it. Null if it had moved on. */
export async function failAbandonedRun(deps: ClaimsDeps, runId: string, error: string): Promise<Run | null> {
  try {
    const row = await transitionRun(deps.db, 'fail', runId, { data: { error: error.slice(0, 4_000), finishedAt: new Date() } });
    await announceTransition(deps.db, deps.events, row);
    return row;
  } catch (e) {
    if (isRefusal(e)) return null;
    throw e;
  }
}
