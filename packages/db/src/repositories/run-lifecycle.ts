// The storage half of a run's life: the writes that packages/runs decides (a run's status, its cancel flag, new queued
// runs, a sweep's status and counts under the sweep's row lock). This module is not exported from the package index:
// it is the entry point `@driftprune/db/run-lifecycle`, which ESLint lets only packages/runs import (and, inside it,
// `writeRunStatus` only run-status.ts, whose transition table decides every status change). Nothing here decides
// which change is legal: a function performs the write it is given, conditionally, and returns the rows it changed.
import type { Run } from '../../generated/prisma/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { RunStatus, SweepStatus } from '../../generated/prisma/enums.js';
import type { Db, DbClient } from '../client.js';

/** Fields a status change writes besides the status (never the status: the caller's table decides it). */
export type RunStatusFields = Omit<Prisma.RunUpdateManyMutationInput, 'status'>;
/** Extra conditions of a status change, besides the ids and the start statuses. */
export type RunStatusCondition = Omit<Prisma.RunWhereInput, 'id' | 'status' | 'AND' | 'OR' | 'NOT'>;

/**
 * One conditional UPDATE: the runs of `runIds` whose status is one of `from` (and that meet `condition`, e.g. the
 * claim's attempt, the queueing a job was made for) get status `to` and `fields`, in one statement. The rows that
 * qualified, as updated; the others are left as they are (the caller tells why from a fresh read).
 */
export function writeRunStatus(
  db: DbClient,
  runIds: readonly string[],
  from: readonly RunStatus[],
  to: RunStatus,
  condition: RunStatusCondition = {},
  fields: RunStatusFields = {},
): Promise<Run[]> {
  if (!runIds.length) return Promise.resolve([]);
  const id = runIds.length === 1 ? runIds[0] : { in: [...runIds] };
  return db.run.updateManyAndReturn({ where: { ...condition, id, status: { in: [...from] } }, data: { ...fields, status: to } });
}

/** Sets cancelRequested on those of `runIds` that are running (not their status: their worker applies the cancel). The rows flagged. */
export function flagCancelRequested(db: DbClient, runIds: readonly string[]): Promise<Run[]> {
  if (!runIds.length) return Promise.resolve([]);
  return db.run.updateManyAndReturn({ where: { id: { in: [...runIds] }, status: 'running' }, data: { cancelRequested: true } });
}

/** A run to insert: everything but its life (status, attempts, times), which packages/runs sets. */
export type NewRunRow = Pick<Prisma.RunCreateManyInput, 'id' | 'projectId' | 'experimentId' | 'sweepId' | 'config' | 'params' | 'seed' | 'paradigm' | 'device' | 'priority' | 'maxAttempts'> & { id: string };
/** A sweep to insert with its runs: everything but its status and counts. */
export type NewSweepRow = Pick<Prisma.SweepCreateManyInput, 'id' | 'projectId' | 'experimentId' | 'name' | 'method' | 'config' | 'seeds'> & { id: string };

/** Inserts runs, queued at `queuedAt` (the schema's default status). */
export async function insertQueuedRuns(db: DbClient, runs: readonly NewRunRow[], queuedAt: Date): Promise<void> {
  await db.run.createMany({ data: runs.map((r) => ({ ...r, queuedAt })) });
}

/** Inserts a sweep (queued, counting its runs) and its runs, queued at `queuedAt`, in one transaction. */
export async function insertSweepWithQueuedRuns(db: Db, sweep: NewSweepRow, runs: readonly NewRunRow[], queuedAt: Date): Promise<void> {
  const data = runs.map((r) => ({ ...r, queuedAt }));
  await db.$transaction([db.sweep.create({ data: { ...sweep, total: data.length, queued: data.length } }), db.run.createMany({ data })]);
}

/**
 * Runs `work` in a transaction that holds the sweep's row lock (SELECT … FOR UPDATE) from its first statement: two
 * callers on one sweep run one after the other, and the second sees what the first committed. Null (and `work` not
 * called) when the sweep does not exist.
 */
export function withSweepLock<T>(db: Db, sweepId: string, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T | null> {
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Sweep" WHERE id = ${sweepId}::uuid FOR UPDATE`;
    if (!locked.length) return null;
    return work(tx);
  });
}

/** A sweep's run counts by status, as stored on its row. */
export interface SweepCounts {
  total: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Ended by the sweep's early-stopping rule: a finish as planned, not a failure. */
  stopped: number;
}

export interface SweepStatusRow extends SweepCounts {
  status: SweepStatus;
  finishedAt: Date | null;
}

/** Stores a sweep's counts and status (call it under withSweepLock, after counting). */
export async function writeSweepStatus(db: DbClient, sweepId: string, row: SweepStatusRow): Promise<void> {
  await db.sweep.update({ where: { id: sweepId }, data: row });
}
