// The worker's BullMQ consumers: one per run queue it satisfies (its backend's queues, and the labelled queues whose
// labels it all carries: @driftprune/runs labels.ts), sharing one budget of WORKER_CONCURRENCY runs. Labelled queues
// appear when a first run asks for them; refresh() starts consumers for those this worker satisfies.
//
// One budget over several consumers: each consumer may hold up to the whole budget, so they are all paused while the
// budget is spent and resumed when a run ends. A job that still arrives over the budget (fetched by a consumer in
// the moment before it was paused), or while the worker drains, goes back to its queue as a delayed job, unclaimed
// and without using an attempt.
import { DelayedError, Worker as BullWorker, type ConnectionOptions, type Job, type Processor } from 'bullmq';
import { queuesServed, type Backend, type RunJobData, type RunJobResult } from '@driftprune/runs';
import { watchStalledJobs } from './stalled.js';
import type { ClaimsDeps } from '@driftprune/runs';

export interface ConsumerOptions {
  backend: Backend;
  labels: readonly string[];
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  lockMs: number;
  handler: (job: Job<RunJobData>, token?: string) => Promise<RunJobResult>;
  claims: ClaimsDeps;
  log: (msg: string) => void;
}

/** A job over the budget goes back for this long: another worker (or this one, once a run ends) takes it. */
const HAND_BACK_DELAY_MS = 1_000;

export class Consumers {
  private readonly workers = new Map<string, BullWorker<RunJobData>>();
  private busy = 0;
  private draining = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: ConsumerOptions) {}

  /** Runs executing now (jobs past the budget check). */
  get active(): number {
    return this.busy;
  }

  get queues(): string[] {
    return [...this.workers.keys()];
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Starts a consumer for each queue this worker satisfies and has none yet; `known`: every run queue name. */
  async refresh(known: Iterable<string>): Promise<string[]> {
    const added: string[] = [];
    for (const name of queuesServed(this.o.backend, this.o.labels, known)) {
      if (this.workers.has(name)) continue;
      const w = new BullWorker<RunJobData>(name, this.process, {
        connection: this.o.connection,
        prefix: this.o.prefix,
        concurrency: this.o.concurrency,
        lockDuration: this.o.lockMs,
        stalledInterval: this.o.lockMs,
        // A worker that dies mid-run leaves a stalled job; it goes back to the queue (and resumes) this many times.
        maxStalledCount: 5,
        // a consumer added while the budget is spent (or while draining) starts paused
        autorun: false,
      });
      w.on('error', (e) => this.o.log(`bullmq (${name}): ${e.message}`));
      watchStalledJobs(w, this.o.claims, this.o.log);
      this.workers.set(name, w);
      if (this.draining || this.busy >= this.o.concurrency) await w.pause(true);
      void w.run().catch((e) => this.o.log(`bullmq (${name}) stopped: ${(e as Error).message}`));
      await w.waitUntilReady();
      added.push(name);
    }
    return added;
  }

  private readonly process: Processor<RunJobData, RunJobResult> = async (job: Job<RunJobData>, token?: string) => {
    if (this.draining || this.busy >= this.o.concurrency) {
      await job.moveToDelayed(Date.now() + HAND_BACK_DELAY_MS, token);
      throw new DelayedError();
    }
    this.busy++;
    if (this.busy >= this.o.concurrency) await this.pauseAll();
    try {
      return await this.o.handler(job, token);
    } finally {
      this.busy--;
      if (!this.draining && this.busy < this.o.concurrency) this.resumeAll();
      if (this.busy === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  };

  private async pauseAll(): Promise<void> {
    // doNotWaitActive: the runs in progress go on; only the fetching of new jobs stops
    await Promise.all([...this.workers.values()].map((w) => (w.isPaused() ? null : w.pause(true))));
  }

  private resumeAll(): void {
    for (const w of this.workers.values()) if (w.isPaused()) w.resume();
  }

  /** Takes no new job from now on; resolves when no run of this worker executes any more. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.pauseAll();
    if (this.busy === 0) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Closes every consumer; force: without waiting for the jobs in progress (they stall and go back). */
  async close(force = false): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.close(force)));
  }
}
