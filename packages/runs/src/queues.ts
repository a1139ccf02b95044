// The producer side of the run queues: one BullMQ Queue per backend queue, created lazily.
import { Queue, type ConnectionOptions, type Job } from 'bullmq';
import { BACKENDS, queueNameForDevice, RUN_QUEUES, runJobOptions, type RunJobData } from './contract.js';

/** Job states in which a job still stands for its run (it will run, runs now, or retries later). */
const LIVE_STATES = ['waiting', 'delayed', 'prioritized', 'active', 'waiting-children'] as const;
/** Job states of a job no worker holds yet. */
const WAITING_STATES = ['waiting', 'delayed', 'prioritized'] as const;

export interface QueuedRun {
  id: string;
  device: string;
  priority: number;
  maxAttempts: number;
  /** The run's queuedAt: the job carries it, and stands for the run only while the run still has it. */
  queuedAt: Date;
}

/** A job to remove: every job of the run (deleted), or only those made for its queueing at `queuedAt` (cancelled). */
export interface JobOfRun {
  runId: string;
  queuedAt?: Date;
}

function jobData(run: QueuedRun): RunJobData {
  return { runId: run.id, queuedAt: run.queuedAt.getTime() };
}

export class RunQueues {
  private readonly queues = new Map<string, Queue<RunJobData>>();
  constructor(
    private readonly connection: ConnectionOptions,
    readonly prefix: string,
  ) {}

  get(name: string): Queue<RunJobData> {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue<RunJobData>(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue(run: QueuedRun): Promise<string> {
    const job = await this.get(queueNameForDevice(run.device)).add('run', jobData(run), runJobOptions(run.id, run.priority, run.maxAttempts));
    return job.id!;
  }

  /** Enqueues many runs with one round trip per queue. */
  async enqueueMany(runs: QueuedRun[]): Promise<void> {
    const byQueue = new Map<string, QueuedRun[]>();
    for (const r of runs) byQueue.set(queueNameForDevice(r.device), [...(byQueue.get(queueNameForDevice(r.device)) ?? []), r]);
    for (const [name, rs] of byQueue) await this.get(name).addBulk(rs.map((r) => ({ name: 'run', data: jobData(r), opts: runJobOptions(r.id, r.priority, r.maxAttempts) })));
  }

  /**
   * Removes the waiting jobs of these runs (cancelled or deleted before a worker took them): one listing per queue
   * however many runs. Only jobs no worker ever started: a started job back in the waiting set (its attempt will be
   * retried, or its worker lost the lock while still running it) may still be held by a worker, whose finishing would
   * then meet a missing job. Such a job is harmless: its worker finds the run gone or stopped and skips it. A job
   * made for a later queueing of the run (a retry after the cancel) is never removed.
   */
  async removeWaiting(runs: readonly JobOfRun[]): Promise<number> {
    const queueings = new Map(runs.map((r) => [r.runId, r.queuedAt?.getTime()]));
    if (!queueings.size) return 0;
    const removable = (j: Job<RunJobData>) => {
      if (!queueings.has(j.data.runId) || j.processedOn || j.attemptsStarted > 0) return false;
      const at = queueings.get(j.data.runId);
      return at === undefined || j.data.queuedAt === undefined || j.data.queuedAt === at;
    };
    let removed = 0;
    for (const name of Object.values(RUN_QUEUES)) {
      const jobs = await this.get(name).getJobs([...WAITING_STATES], 0, -1);
      for (const j of jobs)
        if (j?.data && removable(j)) {
          try {
            await j.remove();
            removed++;
          } catch {
            // the job became active between listing and removal; its worker finds the run stopped or gone
          }
        }
    }
    return removed;
  }

  /** Run ids that have a live job in any run queue. */
  async liveRunIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const backend of BACKENDS) {
      const jobs: Job<RunJobData>[] = await this.get(queueNameForDevice(backend)).getJobs([...LIVE_STATES], 0, -1);
      for (const j of jobs) if (j?.data?.runId) ids.add(j.data.runId);
    }
    return ids;
  }

  async close() {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
