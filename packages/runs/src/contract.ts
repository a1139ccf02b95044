// The job/event contract between the API (producer, subscriber) and the workers (consumer, publisher): queue names,
// job data and options, pub/sub channels and their messages. Messages carry ids (and the metric row); subscribers
// re-read runs from Postgres, the source of truth.
//
// One BullMQ job per run. Jobs are routed by the engine backend the run needs, so that a worker only takes jobs it can
// run: cpu workers consume `runs-cpu`; webgpu workers consume `runs-webgpu` and `runs-cpu` (ORT's CPU provider is
// always there). Runs with device `auto` go to `runs-cpu`.
import type { ConnectionOptions, JobsOptions } from 'bullmq';
import { RUN_PRIORITY } from '@driftprune/config';
import type { WindowMetric as WindowMetricRow } from '@driftprune/db';

export const BACKENDS = ['cpu', 'webgpu'] as const;
export type Backend = (typeof BACKENDS)[number];

export const RUN_QUEUES = { cpu: 'runs-cpu', webgpu: 'runs-webgpu' } as const satisfies Record<Backend, string>;

export interface RunJobData {
  runId: string;
  /**
   * The run's queuedAt (ms) when this job was made. Each queueing (submit, retry, reconcile) sets a new queuedAt and
   * makes a new job; a worker claims the run only with the job of its current queueing, so a job left over from an
   * earlier one (a cancelled-then-retried run) can never start a second execution. Absent in jobs made before.
   */
  queuedAt?: number;
}

/** What a run job's processor returns (BullMQ keeps it as the job's return value). */
export interface RunJobResult {
  runId: string;
  outcome: string;
}

export function queueNameForDevice(device: string): string {
  return device === 'webgpu' ? RUN_QUEUES.webgpu : RUN_QUEUES.cpu;
}

export function queueNamesForBackend(backend: Backend): string[] {
  return backend === 'webgpu' ? [RUN_QUEUES.webgpu, RUN_QUEUES.cpu] : [RUN_QUEUES.cpu];
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

/** BullMQ priority: 1 is the highest. Our priority (RUN_PRIORITY, 0..100) is "higher runs first". */
export function bullPriority(priority: number): number {
  return RUN_PRIORITY.max + 1 - Math.max(RUN_PRIORITY.min, Math.min(RUN_PRIORITY.max, Math.round(priority)));
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

export const channels = (prefix: string) => ({
  run: `${prefix}:events:run`,
  metric: `${prefix}:events:metric`,
  /** Writes without an event of their own (refresh events, serving evaluations, stored files, API mutations). */
  changed: `${prefix}:events:changed`,
  /** Control: stop a running run (it was cancelled or deleted). */
  cancel: `${prefix}:control:cancel`,
});
export type Channels = ReturnType<typeof channels>;

export interface RunUpdatedMessage {
  projectId: string;
  runId: string;
  status: string;
}

/** A window metric as it travels over pub/sub (no bigint id). */
export type MetricMessage = Omit<WindowMetricRow, 'id' | 'createdAt'>;

/** Data of a project changed (no project: anything may have); API processes drop cached responses. */
export interface ChangedMessage {
  projectId?: string;
}

/** Stop a run now: it was cancelled, or deleted (its row is already gone). */
export interface CancelMessage {
  runId: string;
  reason?: 'cancelled' | 'deleted';
}

export interface Publisher {
  publish(channel: string, message: string): Promise<number>;
}

export function publishJson(redis: Publisher, channel: string, payload: unknown): Promise<number> {
  return redis.publish(channel, JSON.stringify(payload));
}
