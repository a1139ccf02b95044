// Worker rows: a worker process registers itself, beats (with the runs it executes) and signs off.
import type { Worker } from '../../generated/prisma/client.js';
import type { DbClient } from '../client.js';

export interface WorkerRegistration {
  id: string;
  host: string;
  pid: number;
  backend: string;
  device: string;
  concurrency: number;
}

/** Creates the worker's row (a restarted worker keeping its id keeps its row as it was). */
export async function registerWorker(db: DbClient, w: WorkerRegistration): Promise<void> {
  await db.worker.upsert({ where: { id: w.id }, create: w, update: {} });
}

export async function recordWorkerBeat(db: DbClient, id: string, at: Date, activeRuns: string[]): Promise<void> {
  await db.worker.update({ where: { id }, data: { heartbeatAt: at, activeRuns } });
}

export async function recordWorkerStopped(db: DbClient, id: string, at: Date): Promise<void> {
  await db.worker.update({ where: { id }, data: { stoppedAt: at, activeRuns: [] } });
}

/** The most recently beating workers, newest first. */
export function latestWorkers(db: DbClient, take: number): Promise<Worker[]> {
  return db.worker.findMany({ orderBy: { heartbeatAt: 'desc' }, take });
}
