// Cross-process events over Redis pub/sub: the worker publishes, the API fans out to GraphQL subscriptions.
// Messages carry ids (and the metric row); subscribers re-read runs from Postgres, the source of truth.
import type { WindowMetric as WindowMetricRow } from '@driftprune/db';

export const channels = (prefix: string) => ({
  run: `${prefix}:events:run`,
  metric: `${prefix}:events:metric`,
  /** Writes without an event of their own (refresh events, serving evaluations, stored files, API mutations). */
  changed: `${prefix}:events:changed`,
  cancel: `${prefix}:control:cancel`,
});

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

export interface CancelMessage {
  runId: string;
}

export interface Publisher {
  publish(channel: string, message: string): Promise<number>;
}

export function publishJson(redis: Publisher, channel: string, payload: unknown): Promise<number> {
  return redis.publish(channel, JSON.stringify(payload));
}
