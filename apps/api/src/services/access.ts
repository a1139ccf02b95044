// Loading one object by id, visible only to members of its project: otherwise NOT_FOUND (existence does not leak).
import { experimentById, runById, runVersionById, sweepById, type Role } from '@driftprune/db';
import { requireProject, requireUser } from '../auth.js';
import type { ApiContext } from '../context.js';
import { isUuid, notFound } from '../errors.js';

export async function loadExperiment(ctx: ApiContext, id: string, min: Role = 'viewer') {
  requireUser(ctx.principal);
  const row = isUuid(id) ? await experimentById(ctx.db, id) : null;
  if (!row || !ctx.principal!.roles.has(row.projectId)) throw notFound('experiment', id);
  requireProject(ctx.principal, row.projectId, min);
  return row;
}

export async function loadRun(ctx: ApiContext, id: string, min: Role = 'viewer') {
  requireUser(ctx.principal);
  const row = isUuid(id) ? await runById(ctx.db, id) : null;
  if (!row || !ctx.principal!.roles.has(row.projectId)) throw notFound('run', id);
  requireProject(ctx.principal, row.projectId, min);
  return row;
}

/** The access check of loadRun without the run's config and summary (JSON that the metric queries do not need). */
export async function loadRunVersion(ctx: ApiContext, id: string) {
  requireUser(ctx.principal);
  const row = isUuid(id) ? await runVersionById(ctx.db, id) : null;
  if (!row || !ctx.principal!.roles.has(row.projectId)) throw notFound('run', id);
  return row;
}

export async function loadSweep(ctx: ApiContext, id: string, min: Role = 'viewer') {
  requireUser(ctx.principal);
  const row = isUuid(id) ? await sweepById(ctx.db, id) : null;
  if (!row || !ctx.principal!.roles.has(row.projectId)) throw notFound('sweep', id);
  requireProject(ctx.principal, row.projectId, min);
  return row;
}
