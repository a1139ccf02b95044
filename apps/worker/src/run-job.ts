// A run job, from claim to settlement: claim the run (@driftprune/runs), execute the runner with the run's data,
// then settle the claim by what happened — succeeded, failed, back to the queue, cancelled, deleted, superseded.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { experimentConfig, parseConfig, type Env } from '@driftprune/config';
import { runAttemptState, type ArtifactStore, type Db, type Prisma } from '@driftprune/db';
import type { RunSummary } from '@driftprune/experiment';
import type { PreparedRunData, RunDataResolver } from '@driftprune/datasets';
import { cancelClaimedRun, claimRun, failRun, isRefusal, requeueRun, stopRunEarly, succeedRun, type RunClaim, type RunEvents, type RunJobData, type RunJobResult, type RunQueues } from '@driftprune/runs';
import type { Execution, Executions } from './executions.js';
import { executeRun, type Runner } from './execute-run.js';
import { restoreCheckpoint, RunDeletedError, storeArtifact } from './persist.js';
import { armWallBudget, assertFitsBudget, budgetErrorOf, isPermanentRunError, runBudgetFor } from './run-budget.js';
import { runEventWriter } from './run-events.js';
import { removeEmptyDirs } from './work-dirs.js';
import { EarlyStopper } from './early-stop.js';
import { continueSweepSearch } from './sweep-search.js';
import { retryWhileDatabaseDown } from './db-retry.js';

export interface JobContext {
  env: Env;
  db: Db;
  store: ArtifactStore;
  events: RunEvents;
  /** A runner called in this process (tests); null: the real one in a child process under the run's budget. */
  runner: Runner | null;
  runData: RunDataResolver;
  /** The producer side of the queues (a tpe sweep's next points are enqueued from here). */
  queues: RunQueues;
  executions: Executions;
  workerId: string;
  workDir: string;
  log: (msg: string) => void;
}

/** How an execution ended: the runner's summary, or the error it threw (an abort included). */
type Ending = { summary: RunSummary } | { error: Error; data: PreparedRunData | null };

/** The BullMQ processor of run jobs. */
export function runJobHandler(ctx: JobContext) {
  return async (job: Job<RunJobData>, token?: string): Promise<RunJobResult> => {
    const answer = await claimRun(ctx, job.data, ctx.workerId);
    if ('skipped' in answer) return { runId: job.data.runId, outcome: answer.skipped };
    const exec = ctx.executions.start(answer.claim, job.id!);
    try {
      const ending = await execute(ctx, exec, job);
      return await settle(ctx, exec, ending, job, token);
    } finally {
      ctx.executions.end(exec);
      // a model-based sweep proposes its next points once one of its runs has settled (sweep-search.ts)
      const sweepId = answer.claim.run.sweepId;
      if (sweepId) await continueSweepSearch(ctx, sweepId).catch((e) => ctx.log(`sweep ${sweepId}: search could not continue: ${(e as Error).message}`));
    }
  };
}

/** Runs the runner under the run's budget, resuming from the run's last checkpoint (local, or from the store). */
async function execute(ctx: JobContext, exec: Execution, job: Job<RunJobData>): Promise<Ending> {
  const run = exec.claim.run;
  const outDir = join(ctx.workDir, 'runs', run.id);
  const signal = exec.controller.signal;
  let data: PreparedRunData | null = null;
  let disarmBudget = () => {};
  try {
    const localCheckpoint = existsSync(join(outDir, 'checkpoint', 'state.json'));
    let resume = localCheckpoint;
    if (!localCheckpoint && run.checkpointWindow >= 0) resume = (await restoreCheckpoint(ctx.db, ctx.store, run.id, run.checkpointWindow, outDir)) > 0;
    if (resume) ctx.log(`run ${run.id}: resuming after window ${run.checkpointWindow} (attempt ${run.attempts})`);
    else ctx.log(`run ${run.id}: starting (${run.paradigm}, attempt ${run.attempts})`);
    const config = parseConfig(experimentConfig, run.config, `run ${run.id} config`);
    // the run's budget (run-budget.ts): refused now if its models cannot fit; wall time counted from here
    const budget = runBudgetFor(ctx.env, config);
    assertFitsBudget(config, budget);
    disarmBudget = armWallBudget(exec.controller, budget);
    data = await ctx.runData.prepare(run.projectId, config, signal);
    const write = runEventWriter(ctx, run, outDir, job, ctx.log);
    // the sweep's early-stopping rule, asked after each window (early-stop.ts)
    const stopper = await EarlyStopper.forRun(ctx.db, run);
    const onEvent = stopper
      ? stopper.wrap(write, () => {
          exec.earlyStop = stopper.record();
          ctx.executions.stop(run.id, 'early-stopped');
        })
      : write;
    const summary = await executeRun(ctx.runner, { config: data.config, outDir, resume, signal, onEvent }, budget, ctx.log);
    for (const f of ['summary.json', 'report.html']) if (existsSync(join(outDir, f))) await storeArtifact(ctx.db, ctx.store, run, outDir, join(outDir, f), 'report', null);
    return { summary };
  } catch (err) {
    // a budget that ran out is the reason, whatever the aborted runner threw
    const error = budgetErrorOf(signal) ?? (err instanceof Error ? err : new Error(String(err)));
    return { error, data };
  } finally {
    disarmBudget();
    data?.release();
    // a run that stopped before writing anything leaves no empty folder behind (12.7)
    await removeEmptyDirs(outDir).catch(() => null);
  }
}

/**
 * Settles the claim. Every transition is conditional on the claim (its attempt) and the run's status, so whatever
 * happened meanwhile — the run deleted, cancelled, claimed again — the database's answer decides, never a row read
 * earlier: a refused transition says which it was (see refusal()).
 */
async function settle(ctx: JobContext, exec: Execution, ending: Ending, job: Job<RunJobData>, token?: string): Promise<RunJobResult> {
  const { claim } = exec;
  const runId = claim.runId;
  try {
    if ('summary' in ending) {
      // a database restart right at the end does not cost the run an attempt (db-retry.ts)
      await retryWhileDatabaseDown(ctx.db, () => succeedRun(ctx, claim, ending.summary as unknown as Prisma.InputJsonValue), { log: ctx.log, what: `run ${runId}: succeeded` });
      ctx.log(`run ${runId}: succeeded in ${ending.summary.wallSec.toFixed(1)} s`);
      return { runId, outcome: 'succeeded' };
    }
    const { error } = ending;
    if (error instanceof RunDeletedError) return deleted(ctx, runId, error);
    const stopped = exec.controller.signal.aborted ? exec.stopReason : undefined;
    if (stopped === 'superseded') return superseded(ctx, runId);
    if (stopped === 'cancelled' || stopped === 'deleted') return await cancelled(ctx, claim);
    if (stopped === 'early-stopped' && exec.earlyStop) {
      const row = await stopRunEarly(ctx, claim, exec.earlyStop);
      ctx.log(`run ${runId}: ${(row.earlyStop as { reason?: string } | null)?.reason ?? 'stopped early'}`);
      return { runId, outcome: 'stopped' };
    }
    if (stopped === 'closing') {
      // back to the queue without using up an attempt; the next worker resumes from the checkpoint
      await requeueRun(ctx, claim, 'worker stopped; the run will resume');
      await job.moveToDelayed(Date.now() + 1_000, token);
      throw new DelayedError();
    }
    return await failed(ctx, claim, error, ending.data, job);
  } catch (e) {
    if (e instanceof DelayedError || !isRefusal(e)) throw e;
    return refusal(ctx, claim, e);
  }
}

async function cancelled(ctx: JobContext, claim: RunClaim): Promise<RunJobResult> {
  await cancelClaimedRun(ctx, claim);
  ctx.log(`run ${claim.runId}: cancelled`);
  return { runId: claim.runId, outcome: 'cancelled' };
}

/** The runner failed: failed for good (a permanent error, or the last attempt), else back to the queue for a retry. */
async function failed(ctx: JobContext, claim: RunClaim, error: Error, data: PreparedRunData | null, job: Job<RunJobData>): Promise<never> {
  // a bad config, path or dataset, or an exceeded budget fails the same way every time: no retry
  const permanent = isPermanentRunError(error);
  const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const message = data ? data.redact(error.message) : error.message;
  if (final) await failRun(ctx, claim, message);
  else await requeueRun(ctx, claim, message);
  ctx.log(`run ${claim.runId}: ${final ? 'failed' : 'will retry'}: ${message}`);
  throw permanent ? new UnrecoverableError(message) : error;
}

/** A refused settlement: the run was deleted, claimed again, or asked to cancel meanwhile. */
async function refusal(ctx: JobContext, claim: RunClaim, e: Error): Promise<RunJobResult> {
  const now = await runAttemptState(ctx.db, claim.runId);
  if (!now) return deleted(ctx, claim.runId);
  if (now.attempts !== claim.attempt) return superseded(ctx, claim.runId);
  if (now.cancelRequested && now.status === 'running') return cancelled(ctx, claim);
  throw e;
}

function deleted(ctx: JobContext, runId: string, e?: RunDeletedError): RunJobResult {
  // deleted while it ran: nothing to record or retry; files it stored late are gone already
  const late = e?.removedFiles ? `; ${e.removedFiles} file(s) it stored after the delete removed from the store` : '';
  ctx.log(`run ${runId}: deleted while running; stopped${late}`);
  return { runId, outcome: 'deleted' };
}

function superseded(ctx: JobContext, runId: string): RunJobResult {
  ctx.log(`run ${runId}: claimed again by a later attempt (this worker lost its job's lock); this execution stopped`);
  return { runId, outcome: 'superseded' };
}
