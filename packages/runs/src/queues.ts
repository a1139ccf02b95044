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
    const job = await this.get(queueNameForDevice(run.device)).add('run', { runId: run.id }, runJobOptions(run.id, run.priority, run.maxAttempts));
    return job.id!;
  }

  /** Enqueues many runs with one round trip per queue. */
  async enqueueMany(runs: QueuedRun[]): Promise<void> {
    const byQueue = new Map<string, QueuedRun[]>();
    for (const r of runs) byQueue.set(queueNameForDevice(r.device), [...(byQueue.get(queueNameForDevice(r.device)) ?? []), r]);
    for (const [name, rs] of byQueue) await this.get(name).addBulk(rs.map((r) => ({ name: 'run', data: { runId: r.id }, opts: runJobOptions(r.id, r.priority, r.maxAttempts) })));
  }

  /**
   * Removes the waiting/delayed jobs of these runs (cancelled or deleted before a worker took them). Active jobs are
   * left to their worker, which sees the stop message or the flag. One listing per queue however many runs.
   */
  async removeWaiting(runIds: readonly string[]): Promise<number> {
    const ids = new Set(runIds);
    if (!ids.size) return 0;
    let removed = 0;
    for (const name of Object.values(RUN_QUEUES)) {
      const jobs = await this.get(name).getJobs([...WAITING_STATES], 0, -1);
      for (const j of jobs)
        if (j && ids.has(j.data.runId)) {
          try {
            await j.remove();
            removed++;
          } catch {
            // the job became active between listing and removal; its worker sees the stop
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
