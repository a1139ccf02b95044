// Sweep rows, for reading. Their status and counters are written by packages/runs.
import type { Sweep } from '../../generated/prisma/client.js';
import type { SweepStatus } from '../../generated/prisma/enums.js';
import type { DbClient } from '../client.js';

export function sweepById(db: DbClient, id: string): Promise<Sweep | null> {
  return db.sweep.findUnique({ where: { id } });
}

/** The sweep's config (JSON as submitted) and status. */
export function sweepConfigById(db: DbClient, id: string): Promise<{ config: unknown; status: SweepStatus } | null> {
  return db.sweep.findUnique({ where: { id }, select: { config: true, status: true } });
}

export function sweepsOfExperiment(db: DbClient, experimentId: string): Promise<Sweep[]> {
  return db.sweep.findMany({ where: { experimentId }, orderBy: { createdAt: 'desc' } });
}

/**
 * tpe sweeps that wait for a proposal nobody will make: running, but no run of theirs queued or running.
 */
export async function stalledTpeSweepIds(db: DbClient): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT s.id::text AS id FROM "Sweep" s
    WHERE s.status = 'running' AND s.config->>'method' = 'tpe'
      AND NOT EXISTS (SELECT 1 FROM "Run" r WHERE r."sweepId" = s.id AND r.status IN ('queued', 'running'))`;
  return rows.map((r) => r.id);
}

export async function deleteSweepRow(db: DbClient, id: string): Promise<number> {
  return (await db.sweep.deleteMany({ where: { id } })).count;
}
