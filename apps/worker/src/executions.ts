// The runs this worker executes now, each with the claim it holds and the means to stop it.
import type { Prisma } from '@driftprune/db';
import type { RunClaim } from '@driftprune/runs';

/**
 * Why an execution was stopped before its end:
 * - cancelled / deleted: a person cancelled or deleted the run (stop message, or the heartbeat saw the flag/no row);
 * - superseded: a later claim of the run exists (its job was delivered again after this worker lost the job's lock);
 * - closing: this worker is stopping; the run goes back to the queue;
 * - early-stopped: the sweep's early-stopping rule ended the run at a window boundary (early-stop.ts).
 */
export type StopReason = 'cancelled' | 'deleted' | 'superseded' | 'closing' | 'early-stopped';

export interface Execution {
  claim: RunClaim;
  jobId: string;
  controller: AbortController;
  /** Set when stopped; the first reason wins. */
  stopReason?: StopReason;
  /** With stopReason early-stopped: what Run.earlyStop records. */
  earlyStop?: Prisma.InputJsonValue;
}

export class Executions {
  private readonly byRun = new Map<string, Execution>();
  private closing = false;

  start(claim: RunClaim, jobId: string): Execution {
    // the same run claimed again here (its job delivered again while the old execution still ran): the old one stops
    this.stop(claim.runId, 'superseded');
    const e: Execution = { claim, jobId, controller: new AbortController() };
    this.byRun.set(claim.runId, e);
    // a job taken while the worker closes goes straight back to the queue
    if (this.closing) this.stop(claim.runId, 'closing');
    return e;
  }

  /** The worker is stopping: every execution, and any that starts from now on, stops and goes back to the queue. */
  closeAll(): void {
    this.closing = true;
    this.stopAll('closing');
  }

  /** Forgets an execution that ended (not a newer one of the same run). */
  end(e: Execution): void {
    if (this.byRun.get(e.claim.runId) === e) this.byRun.delete(e.claim.runId);
  }

  stop(runId: string, reason: StopReason): void {
    const e = this.byRun.get(runId);
    if (!e || e.controller.signal.aborted) return;
    e.stopReason = reason;
    e.controller.abort(new Error(reason === 'closing' ? 'worker stopping' : reason));
  }

  stopAll(reason: StopReason): void {
    for (const runId of this.byRun.keys()) this.stop(runId, reason);
  }

  get(runId: string): Execution | undefined {
    return this.byRun.get(runId);
  }

  all(): Execution[] {
    return [...this.byRun.values()];
  }

  runIds(): string[] {
    return [...this.byRun.keys()];
  }
}
