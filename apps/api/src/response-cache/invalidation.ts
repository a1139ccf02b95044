// What makes cached responses stale, and how each writer says so:
//   - this API's mutations: the global version, here at once (before the mutation's response is sent) and in every
//     other API process through a `changed` message on Redis;
//   - workers: their run and metric events and a `changed` message after writes without an event of their own
//     (refresh events, serving evaluations, stored files), each naming its project.
import type { Redis } from 'ioredis';
import { publishJson, type ChangedMessage } from '@driftprune/runs';
import type { EventHub } from '../pubsub.js';
import type { ResponseCache } from './response-cache.js';

/** Bumps the cache's versions on the hub's run, metric and changed messages. */
export function invalidateOnEvents(cache: ResponseCache, hub: EventHub): void {
  const byProject = (payload: unknown) => {
    const projectId = (payload as { projectId?: unknown } | null)?.projectId;
    cache.invalidate(typeof projectId === 'string' ? projectId : undefined);
  };
  hub.onMessage(hub.channels.run, byProject);
  hub.onMessage(hub.channels.metric, byProject);
  hub.onMessage(hub.channels.changed, byProject);
}

/** After a mutation: this process's cache at once, the other API processes through Redis. */
export async function announceMutation(cache: ResponseCache, redis: Redis, channel: string): Promise<void> {
  cache.invalidate();
  const message: ChangedMessage = {};
  await publishJson(redis, channel, message).catch(() => {
    // Redis down: other API processes fall back on the TTL; this one is already invalidated.
  });
}
