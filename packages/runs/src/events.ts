// Publishing the run events of the contract (contract.ts): one implementation for the API and the workers.
import type { Run } from '@driftprune/db';
import { channels, publishJson, type CancelMessage, type ChangedMessage, type Channels, type MetricMessage, type Publisher, type RunUpdatedMessage } from './contract.js';

export class RunEvents {
  readonly channels: Channels;
  constructor(
    private readonly redis: Publisher,
    prefix: string,
  ) {
    this.channels = channels(prefix);
  }

  /** runUpdated: subscribers re-read the run (and its sweep) from Postgres. */
  runUpdated(run: Pick<Run, 'id' | 'projectId' | 'status'>): Promise<number> {
    return publishJson(this.redis, this.channels.run, { projectId: run.projectId, runId: run.id, status: run.status } satisfies RunUpdatedMessage);
  }

  /** After writes without an event of their own: API processes drop cached responses of the project. */
  changed(projectId?: string): Promise<number> {
    return publishJson(this.redis, this.channels.changed, (projectId ? { projectId } : {}) satisfies ChangedMessage);
  }

  /** One window metric of a run (the shape of MetricMessage; the experiment's metric type may leave fields undefined). */
  metric(m: { runId: string; projectId: string } & Partial<MetricMessage>): Promise<number> {
    return publishJson(this.redis, this.channels.metric, m);
  }

  /** Tells the worker running this run to stop now. */
  stop(runId: string, reason: NonNullable<CancelMessage['reason']>): Promise<number> {
    return publishJson(this.redis, this.channels.cancel, { runId, reason } satisfies CancelMessage);
  }
}
