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

/** The run's status alone (null when the run does not exist). */
export function runStatusById(db: DbClient, id: string): Promise<{ status: RunStatus } | null> {
  return db.run.findUnique({ where: { id }, select: { status: true } });
}

/** The runs of `ids` (ids of no run left out), in no particular order. */
export function runsByIds(db: DbClient, ids: readonly string[]): Promise<Run[]> {
  return db.run.findMany({ where: { id: { in: [...ids] } } });
}

/** Those of `ids` that are queued or running. */
export async function liveRunIdsAmong(db: DbClient, ids: readonly string[]): Promise<string[]> {
  return (await db.run.findMany({ where: { id: { in: [...ids] }, status: { in: ['queued', 'running'] } }, select: { id: true } })).map((r) => r.id);
}

/** The sweep's runs, oldest first. */
export function runsOfSweepInCreationOrder(db: DbClient, sweepId: string): Promise<Run[]> {
  return db.run.findMany({ where: { sweepId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

export interface UnattendedRunCandidate {
  id: string;
  status: RunStatus;
  queuedAt: Date;
  heartbeatAt: Date | null;
  cancelRequested: boolean;
}

/**
 * Runs that may have lost their job (reconcile): queued since before `queuedBefore`, or running without a heartbeat
 * since `heartbeatBefore` (or none at all).
 */
export function unattendedRunCandidates(db: DbClient, queuedBefore: Date, heartbeatBefore: Date): Promise<UnattendedRunCandidate[]> {
  return db.run.findMany({
    where: {
      OR: [
        { status: 'queued', queuedAt: { lt: queuedBefore } },
        { status: 'running', OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: heartbeatBefore } }] },
      ],
    },
    select: { id: true, status: true, queuedAt: true, heartbeatAt: true, cancelRequested: true },
  });
}

/** How many of the sweep's runs each status holds (statuses without runs left out). */
export async function runCountsOfSweepByStatus(db: DbClient, sweepId: string): Promise<{ status: RunStatus; count: number }[]> {
  const rows = await db.run.groupBy({ by: ['status'], where: { sweepId }, _count: { _all: true } });
  return rows.map((g) => ({ status: g.status, count: g._count._all }));
}

/** How many distinct points (swept values, whatever the seed) the sweep's runs cover. */
export async function distinctPointCountOfSweep(db: DbClient, sweepId: string): Promise<number> {
  const [{ points }] = await db.$queryRaw<{ points: number }[]>`
    SELECT count(DISTINCT (COALESCE(params, '{}'::jsonb) - 'seed'))::int AS points FROM "Run" WHERE "sweepId" = ${sweepId}::uuid`;
  return points;
}
