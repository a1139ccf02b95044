// The worker's live state in Redis (@driftprune/runs fleet.ts): labels, queues, runs in progress, host load, drain.
// Written with each heartbeat into a key that expires a few beats later, so a dead worker's state goes by itself.
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import type { Redis } from 'ioredis';
import { workerStateKey, workerStateTtlMs, type WorkerLiveState } from '@driftprune/runs';

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

export function hostLoad(): Pick<WorkerLiveState, 'load1' | 'cpus' | 'memTotalMb' | 'memFreeMb' | 'rssMb'> {
  return { load1: Math.round(loadavg()[0]! * 100) / 100, cpus: cpus().length, memTotalMb: mb(totalmem()), memFreeMb: mb(freemem()), rssMb: mb(process.memoryUsage.rss()) };
}

export async function writeLiveState(redis: Redis, prefix: string, workerId: string, heartbeatMs: number, state: Omit<WorkerLiveState, 'at' | keyof ReturnType<typeof hostLoad>>): Promise<void> {
  const full: WorkerLiveState = { ...state, ...hostLoad(), at: Date.now() };
  await redis.set(workerStateKey(prefix, workerId), JSON.stringify(full), 'PX', workerStateTtlMs(heartbeatMs));
}

export async function clearLiveState(redis: Redis, prefix: string, workerId: string): Promise<void> {
  await redis.del(workerStateKey(prefix, workerId));
}
