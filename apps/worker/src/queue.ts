// The run queue contract shared by the API (producer) and the worker (consumer).
// One BullMQ job per run. Jobs are routed by the engine backend the run needs, so that a worker only takes jobs
// it can run: cpu workers consume `runs-cpu`; webgpu workers consume `runs-webgpu` and `runs-cpu` (ORT's CPU
// provider is always there). Runs with device `auto` go to `runs-cpu`.
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';

export const BACKENDS = ['cpu', 'webgpu'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface RunJobData {
  runId: string;
}

export function queueNameForDevice(device: string): string {
  return device === 'webgpu' ? 'runs-webgpu' : 'runs-cpu';
}

export function queueNamesForBackend(backend: Backend): string[] {
  return backend === 'webgpu' ? ['runs-webgpu', 'runs-cpu'] : ['runs-cpu'];
}

/** Redis connection options from a redis:// URL (BullMQ workers need maxRetriesPerRequest: null). */
export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

/** BullMQ priority: 1 is the highest. Our API priority 0..100 is "higher runs first". */
export function bullPriority(priority: number): number {
  return 101 - Math.max(0, Math.min(100, Math.round(priority)));
}

export const BACKOFF_DELAY_MS = 2_000;

export function runJobOptions(runId: string, priority: number, attempts: number): JobsOptions {
  return {
    // A fresh id per enqueue: a retried run gets a new job while the old one stays in the failed set for inspection.
    jobId: `${runId}.${Date.now().toString(36)}`,
    priority: bullPriority(priority),
    attempts,
    backoff: { type: 'exponential', delay: BACKOFF_DELAY_MS },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/** The producer side: one Queue per backend queue name, created lazily. */
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
  async enqueue(run: { id: string; device: string; priority: number; maxAttempts: number }): Promise<string> {
    const job = await this.get(queueNameForDevice(run.device)).add('run', { runId: run.id }, runJobOptions(run.id, run.priority, run.maxAttempts));
    return job.id!;
  }
  /** Removes a run's waiting/delayed jobs (a cancelled run that never started). Active jobs are left to the worker. */
  async removeWaiting(runId: string): Promise<number> {
    let removed = 0;
    for (const name of ['runs-cpu', 'runs-webgpu']) {
      const q = this.get(name);
      const jobs = await q.getJobs(['waiting', 'delayed', 'prioritized'], 0, -1);
      for (const j of jobs)
        if (j.data.runId === runId) {
          try {
            await j.remove();
            removed++;
          } catch {
            // the job became active between listing and removal; the worker sees cancelRequested
          }
        }
    }
    return removed;
  }
  async close() {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
