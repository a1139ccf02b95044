// Run rows, for reading and for the fields that are not its status (progress, heartbeat, checkpoint, annotations).
// The status is written by packages/runs only (its transition table): nothing here sets it.
import type { Run } from '../../generated/prisma/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { RunStatus } from '../../generated/prisma/enums.js';
import type { DbClient } from '../client.js';

export function runById(db: DbClient, id: string): Promise<Run | null> {
  return db.run.findUnique({ where: { id } });
}

export interface RunVersion {
  id: string;
  projectId: string;
  status: RunStatus;
  updatedAt: Date;
}

/** What tells a run's version apart, without its config and summary (JSON that metric queries do not need). */
export function runVersionById(db: DbClient, id: string): Promise<RunVersion | null> {
  return db.run.findUnique({ where: { id }, select: { id: true, projectId: true, status: true, updatedAt: true } });
}

export async function runExists(db: DbClient, id: string): Promise<boolean> {
  return (await db.run.findUnique({ where: { id }, select: { id: true } })) !== null;
}

/** Those of `ids` that are runs (of `projectIds`, when given). */
export async function existingRunIds(db: DbClient, ids: readonly string[], projectIds?: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.run.findMany({ where: { id: { in: [...ids] }, ...(projectIds ? { projectId: { in: [...projectIds] } } : {}) }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

export interface RunAttemptState {
  id: string;
  attempts: number;
  cancelRequested: boolean;
  status: RunStatus;
}

/** The database's word on runs a worker executes: their attempt, whether a cancel was asked, their status. */
export function runAttemptStates(db: DbClient, ids: readonly string[]): Promise<RunAttemptState[]> {
  return db.run.findMany({ where: { id: { in: [...ids] } }, select: { id: true, cancelRequested: true, attempts: true, status: true } });
}

export async function touchRunHeartbeats(db: DbClient, ids: readonly string[], at: Date): Promise<void> {
  await db.run.updateMany({ where: { id: { in: [...ids] } }, data: { heartbeatAt: at } });
}

/** The run's progress (fails with P2025 when the run no longer exists). */
export async function recordRunProgress(db: DbClient, id: string, fraction: number, info: unknown, at: Date): Promise<void> {
  await db.run.update({ where: { id }, data: { progress: fraction, progressInfo: info as Prisma.InputJsonValue, heartbeatAt: at } });
}

/** The run's resume point (fails with P2025 when the run no longer exists). */
export async function recordRunCheckpoint(db: DbClient, id: string, window: number): Promise<void> {
  await db.run.update({ where: { id }, data: { checkpointWindow: window } });
}

export interface RunAnnotations {
  name?: string | null;
  notes?: string | null;
  tags?: string[];
}

/** Sets the given annotations (an undefined one is left as it is). */
export function annotateRun(db: DbClient, id: string, a: RunAnnotations): Promise<Run> {
  return db.run.update({ where: { id }, data: { ...(a.name !== undefined ? { name: a.name } : {}), ...(a.notes !== undefined ? { notes: a.notes } : {}), ...(a.tags ? { tags: a.tags } : {}) } });
}

export interface RunRef {
  id: string;
  status: RunStatus;
  sweepId: string | null;
}

export function runRefsOfExperiment(db: DbClient, experimentId: string): Promise<RunRef[]> {
  return db.run.findMany({ where: { experimentId }, select: { id: true, status: true, sweepId: true } });
}

export function runRefsOfSweep(db: DbClient, sweepId: string): Promise<RunRef[]> {
  return db.run.findMany({ where: { sweepId }, select: { id: true, status: true, sweepId: true } });
}

/** Ids of the sweep's runs that are queued or running. */
export async function liveRunIdsOfSweep(db: DbClient, sweepId: string): Promise<string[]> {
  return (await db.run.findMany({ where: { sweepId, status: { in: ['queued', 'running'] } }, select: { id: true } })).map((r) => r.id);
}

export async function deleteRunRow(db: DbClient, id: string): Promise<number> {
  return (await db.run.deleteMany({ where: { id } })).count;
}

export async function paramsOfSweepRuns(db: DbClient, sweepId: string): Promise<unknown[]> {
  return (await db.run.findMany({ where: { sweepId }, select: { params: true } })).map((r) => r.params);
}

export async function paradigmsOfExperimentRuns(db: DbClient, experimentId: string): Promise<string[]> {
  return (await db.run.findMany({ where: { experimentId }, distinct: ['paradigm'], select: { paradigm: true } })).map((r) => r.paradigm);
}

export function runCountOfExperiment(db: DbClient, experimentId: string): Promise<number> {
  return db.run.count({ where: { experimentId } });
}

export function latestRunOfExperiment(db: DbClient, experimentId: string): Promise<Run | null> {
  return db.run.findFirst({ where: { experimentId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

/** The runs of `ids` that belong to the project (others, and ids of no run, are left out). */
export function runsOfProjectByIds(db: DbClient, projectId: string, ids: readonly string[]): Promise<Run[]> {
  if (!ids.length) return Promise.resolve([]);
  return db.run.findMany({ where: { id: { in: [...ids] }, projectId } });
}

export function runAttemptState(db: DbClient, id: string): Promise<RunAttemptState | null> {
  return db.run.findUnique({ where: { id }, select: { id: true, cancelRequested: true, attempts: true, status: true } });
}

/** How many runs each status holds, across every project (statuses without runs left out). */
export async function runCountsByStatus(db: DbClient): Promise<{ status: RunStatus; count: number }[]> {
  const rows = await db.run.groupBy({ by: ['status'], _count: { _all: true } });
  return rows.map((s) => ({ status: s.status, count: s._count._all }));
}
