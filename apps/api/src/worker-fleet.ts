// The workers' live state (labels, queues, load, drain), which each worker writes into Redis with its heartbeat
// (@driftprune/runs fleet.ts). Read by the workers query and by /metrics.
import type { Redis } from 'ioredis';
import { parseWorkerState, workerStateKey, type WorkerLiveState } from '@driftprune/runs';

/** The live state of each worker that still has one (a stopped or dead worker's key has expired). */
export async function workerLiveStates(redis: Redis, prefix: string, workerIds: readonly string[]): Promise<Map<string, WorkerLiveState>> {
  const out = new Map<string, WorkerLiveState>();
  if (!workerIds.length) return out;
  const raw = await redis.mget(...workerIds.map((id) => workerStateKey(prefix, id)));
  workerIds.forEach((id, i) => {
    const s = parseWorkerState(raw[i]);
    if (s) out.set(id, s);
  });
  return out;
}

/** Every live state in Redis (SCAN, bounded): /metrics counts workers without a query on Postgres. */
export async function allWorkerLiveStates(redis: Redis, prefix: string, max = 10_000): Promise<WorkerLiveState[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', workerStateKey(prefix, '*'), 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0' && keys.length < max);
  if (!keys.length) return [];
  const raw = await redis.mget(...keys.slice(0, max));
  return raw.map((r) => parseWorkerState(r)).filter((s): s is WorkerLiveState => s !== null);
}
