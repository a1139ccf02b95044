// The paginated lists (experiments, runs, sweeps), with filters and sorting, scoped to one project.
import { configPathProblem } from '@driftprune/config';
import type { Prisma } from '@driftprune/db';
import { requireProject } from '../auth.js';
import type { ApiContext } from '../context.js';
import { badInput, isUuid } from '../errors.js';
import { connection, decodeCursor, encodeCursor, keysetWhere, offsetOf, pageSize, type Dir } from '../pagination.js';
import type { ExperimentFilter, ExperimentSort, RunFilter, RunSort, SweepStatus } from '../resolvers-types.js';

interface ListArgs<F, S> {
  first?: number | null;
  after?: string | null;
  filter?: F | null;
  sort?: S | null;
}

export async function listExperiments(ctx: ApiContext, projectId: string, args: ListArgs<ExperimentFilter, ExperimentSort>) {
  requireProject(ctx.principal, projectId);
  const take = pageSize(args.first);
  const field = args.sort?.field === 'NAME' ? 'name' : 'createdAt';
  const dir: Dir = args.sort?.direction === 'ASC' ? 'asc' : 'desc';
  const base: Prisma.ExperimentWhereInput = { projectId };
  // LIKE wildcards in the text are matched literally (Prisma passes them through to ILIKE)
  if (args.filter?.nameContains) base.name = { contains: likeLiteral(args.filter.nameContains), mode: 'insensitive' };
  if (args.filter?.paradigm) base.paradigm = args.filter.paradigm;
  const where = args.after ? { AND: [base, keysetWhere(field, dir, decodeCursor(args.after), field === 'createdAt' ? 'date' : field === 'name' ? 'text' : 'number')] } : base;
  const [page, total] = await Promise.all([ctx.db.experiment.findMany({ where, orderBy: [{ [field]: dir }, { id: dir }], take: take + 1 }), ctx.db.experiment.count({ where: base })]);
  const rows = await withRunCounts(ctx, page);
  return connection(rows, take, total, (r) => encodeCursor([field === 'name' ? r.name : r.createdAt.toISOString(), r.id]));
}

/**
 * Each experiment's run count (Experiment.runCount) and its runs' paradigms (Experiment.paradigms) in one grouped
 * query over the page, answered from the (experimentId, createdAt) index of Run: no query per experiment.
 */
async function withRunCounts<E extends { id: string }>(ctx: ApiContext, experiments: E[]): Promise<(E & { _count: { runs: number }; _paradigms: string[] })[]> {
  if (!experiments.length) return [];
  const ids = experiments.map((e) => e.id);
  const counts = await ctx.db.$queryRaw<{ id: string; n: number; paradigms: string[] }[]>`
    SELECT "experimentId"::text AS id, count(*)::int AS n, array_agg(DISTINCT paradigm) AS paradigms
    FROM "Run" WHERE "experimentId" = ANY(${ids}::uuid[]) GROUP BY "experimentId"`;
  const byId = new Map(counts.map((c) => [c.id, c]));
  return experiments.map((e) => ({ ...e, _count: { runs: byId.get(e.id)?.n ?? 0 }, _paradigms: byId.get(e.id)?.paradigms ?? [] }));
}

/** `text` for a LIKE pattern that matches it literally: `\\`, `%` and `_` escaped with Postgres's default escape `\\`. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function runWhere(projectId: string, filter: RunFilter | null | undefined): Prisma.RunWhereInput {
  const where: Prisma.RunWhereInput = { projectId };
  const and: Prisma.RunWhereInput[] = [];
  if (filter?.status?.length) where.status = { in: filter.status };
  if (filter?.experimentId) where.experimentId = isUuid(filter.experimentId) ? filter.experimentId : '00000000-0000-0000-0000-000000000000';
  if (filter?.sweepId) where.sweepId = isUuid(filter.sweepId) ? filter.sweepId : '00000000-0000-0000-0000-000000000000';
  if (filter?.paradigm) where.paradigm = filter.paradigm;
  if (filter?.tags?.length) where.tags = { hasEvery: filter.tags.slice(0, 20) };
  for (const p of filter?.params ?? []) {
    const problem = configPathProblem(p.path);
    if (problem) throw badInput(`params filter path: ${problem}`);
    if (p.equals === null || typeof p.equals === 'object') throw badInput('params filter `equals` must be a number, string or boolean');
    and.push({ config: { path: p.path.split('.'), equals: p.equals as Prisma.InputJsonValue } });
  }
  if (and.length) where.AND = and;
  return where;
}

export async function listRuns(ctx: ApiContext, projectId: string, args: ListArgs<RunFilter, RunSort>) {
  requireProject(ctx.principal, projectId);
  const take = pageSize(args.first);
  const dir: Dir = args.sort?.direction === 'ASC' ? 'asc' : 'desc';
  const base = runWhere(projectId, args.filter);
  const sortField = args.sort?.field ?? 'CREATED_AT';
  if (sortField === 'STATUS') {
    // enum order cannot be compared in a WHERE through Prisma: page by offset
    const offset = args.after ? offsetOf(decodeCursor(args.after)) : 0;
    const [rows, total] = await Promise.all([
      ctx.db.run.findMany({ where: base, orderBy: [{ status: dir }, { id: dir }], skip: offset, take: take + 1 }),
      ctx.db.run.count({ where: base }),
    ]);
    return connection(rows, take, total, (_r, i) => encodeCursor(['o', offset + i + 1]));
  }
  const field = sortField === 'PROGRESS' ? 'progress' : 'createdAt';
  const where = args.after ? { AND: [base, keysetWhere(field, dir, decodeCursor(args.after), field === 'createdAt' ? 'date' : 'number')] } : base;
  const [rows, total] = await Promise.all([ctx.db.run.findMany({ where, orderBy: [{ [field]: dir }, { id: dir }], take: take + 1 }), ctx.db.run.count({ where: base })]);
  return connection(rows, take, total, (r) => encodeCursor([field === 'progress' ? r.progress : r.createdAt.toISOString(), r.id]));
}

export async function listSweeps(ctx: ApiContext, projectId: string, args: { first?: number | null; after?: string | null; status?: SweepStatus[] | null }) {
  requireProject(ctx.principal, projectId);
  const take = pageSize(args.first);
  const base: Prisma.SweepWhereInput = { projectId };
  if (args.status?.length) base.status = { in: args.status };
  const where = args.after ? { AND: [base, keysetWhere('createdAt', 'desc', decodeCursor(args.after), 'date')] } : base;
  const [rows, total] = await Promise.all([ctx.db.sweep.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: take + 1 }), ctx.db.sweep.count({ where: base })]);
  return connection(rows, take, total, (r) => encodeCursor([r.createdAt.toISOString(), r.id]));
}
