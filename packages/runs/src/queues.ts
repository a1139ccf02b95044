// The producer side of the run queues: one BullMQ Queue per backend queue, created lazily.
import { Queue, type ConnectionOptions, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { RUN_QUEUES, runJobOptions, type RunJobData } from './contract.js';
import { labelsOfRunConfig, queueRegistryKey, runQueueName } from './labels.js';

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
  /** The run's config: its `engine.labels` choose a labelled queue (labels.ts). */
  config?: unknown;
}

/** A job to remove: every job of the run (deleted), or only those made for its queueing at `queuedAt` (cancelled). */
export interface JobOfRun {
  runId: string;
  queuedAt?: Date;
}

function jobData(run: QueuedRun): RunJobData {
  return { runId: run.id, queuedAt: run.queuedAt.getTime() };
}

/** The queue a run's job goes to: by its device and the labels its config asks for. */
export function queueOfRun(run: Pick<QueuedRun, 'device' | 'config'>): string {
  return runQueueName(run.device, labelsOfRunConfig(run.config));
}

export class RunQueues {
  private readonly queues = new Map<string, Queue<RunJobData>>();
  /** For the registry of labelled queue names; opened on first use. */
  private redis: Redis | null = null;
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

  private registry(): Redis {
    if (!this.redis) {
      this.redis = new Redis({ ...(this.connection as RedisOptions), lazyConnect: false });
      this.redis.on('error', () => undefined); // commands fail and say why; the client reconnects by itself
    }
    return this.redis;
  }

  /** A labelled queue is recorded before its first job, so that workers and reconcile find it (labels.ts). */
  private async register(name: string): Promise<void> {
    if ((Object.values(RUN_QUEUES) as string[]).includes(name)) return;
    await this.registry().sadd(queueRegistryKey(this.prefix), name);
  }

  /** Every run queue: the backend queues and each labelled queue a job was ever enqueued to. */
  async queueNames(): Promise<string[]> {
    const known = await this.registry().smembers(queueRegistryKey(this.prefix));
    return [...new Set([...Object.values(RUN_QUEUES), ...known.sort()])];
  }

  async enqueue(run: QueuedRun): Promise<string> {
    const name = queueOfRun(run);
    await this.register(name);
    const job = await this.get(name).add('run', jobData(run), runJobOptions(run.id, run.priority, run.maxAttempts));
    return job.id!;
  }

  /** Enqueues many runs with one round trip per queue. */
  async enqueueMany(runs: QueuedRun[]): Promise<void> {
    const byQueue = new Map<string, QueuedRun[]>();
    for (const r of runs) byQueue.set(queueOfRun(r), [...(byQueue.get(queueOfRun(r)) ?? []), r]);
    for (const [name, rs] of byQueue) {
      await this.register(name);
      await this.get(name).addBulk(rs.map((r) => ({ name: 'run', data: jobData(r), opts: runJobOptions(r.id, r.priority, r.maxAttempts) })));
    }
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
    for (const name of await this.queueNames()) {
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
    for (const name of await this.queueNames()) {
      const jobs: Job<RunJobData>[] = await this.get(name).getJobs([...LIVE_STATES], 0, -1);
      for (const j of jobs) if (j?.data?.runId) ids.add(j.data.runId);
    }
    return ids;
  }

  async close() {
    this.redis?.disconnect();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
