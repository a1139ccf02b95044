// The paginated lists of a project (experiments, runs, sweeps): one page after a keyset (the sort value and id of
// the previous page's last row) or at an offset, with the total count of the filter. Cursors are encoded and
// validated by the caller (the API); a keyset arrives here as checked values.
import type { Experiment, Run, Sweep } from '../../generated/prisma/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { RunStatus, SweepStatus } from '../../generated/prisma/enums.js';
import type { DbClient } from '../client.js';

export type SortDir = 'asc' | 'desc';

/** The last row of the previous page: its sort value and id. */
export interface Keyset {
  value: Date | string | number;
  id: string;
}

export interface Page<T> {
  /** Up to `take + 1` rows: one more than the page tells that a next page exists. */
  rows: T[];
  total: number;
}

/** Rows after the keyset in the order (field dir, id dir). */
function after(field: string, dir: SortDir, k: Keyset): Record<string, unknown> {
  const op = dir === 'desc' ? 'lt' : 'gt';
  return { OR: [{ [field]: { [op]: k.value } }, { [field]: k.value, id: { [op]: k.id } }] };
}

/** `text` for a LIKE pattern that matches it literally: `\\`, `%` and `_` escaped with Postgres's default escape `\\`. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export interface ExperimentListQuery {
  projectId: string;
  nameContains?: string | null;
  paradigm?: string | null;
  sort: 'name' | 'createdAt';
  dir: SortDir;
  after?: Keyset | null;
  take: number;
}

export type ExperimentWithRunCounts = Experiment & { _count: { runs: number }; _paradigms: string[] };

export async function pageOfExperiments(db: DbClient, q: ExperimentListQuery): Promise<Page<ExperimentWithRunCounts>> {
  const base: Prisma.ExperimentWhereInput = { projectId: q.projectId };
  // LIKE wildcards in the text are matched literally (Prisma passes them through to ILIKE)
  if (q.nameContains) base.name = { contains: likeLiteral(q.nameContains), mode: 'insensitive' };
  if (q.paradigm) base.paradigm = q.paradigm;
  const where = q.after ? { AND: [base, after(q.sort, q.dir, q.after)] } : base;
  const [page, total] = await Promise.all([db.experiment.findMany({ where, orderBy: [{ [q.sort]: q.dir }, { id: q.dir }], take: q.take + 1 }), db.experiment.count({ where: base })]);
  return { rows: await withRunCounts(db, page), total };
}

/**
 * Each experiment's run count (Experiment.runCount) and its runs' paradigms (Experiment.paradigms) in one grouped
 * query over the page, answered from the (experimentId, createdAt) index of Run: no query per experiment.
 */
async function withRunCounts<E extends { id: string }>(db: DbClient, experiments: E[]): Promise<(E & { _count: { runs: number }; _paradigms: string[] })[]> {
  if (!experiments.length) return [];
  const ids = experiments.map((e) => e.id);
  const counts = await db.$queryRaw<{ id: string; n: number; paradigms: string[] }[]>`
    SELECT "experimentId"::text AS id, count(*)::int AS n, array_agg(DISTINCT paradigm) AS paradigms
    FROM "Run" WHERE "experimentId" = ANY(${ids}::uuid[]) GROUP BY "experimentId"`;
  const byId = new Map(counts.map((c) => [c.id, c]));
  return experiments.map((e) => ({ ...e, _count: { runs: byId.get(e.id)?.n ?? 0 }, _paradigms: byId.get(e.id)?.paradigms ?? [] }));
}

export interface RunListFilter {
  status?: RunStatus[] | null;
  experimentId?: string | null;
  sweepId?: string | null;
  paradigm?: string | null;
  /** Runs carrying every one of these tags. */
  tags?: string[] | null;
  /** Runs whose config holds `equals` at `path` (a dotted path, checked by the caller). */
  params?: { path: string; equals: string | number | boolean }[] | null;
}

function runWhere(projectId: string, filter: RunListFilter | null | undefined): Prisma.RunWhereInput {
  const where: Prisma.RunWhereInput = { projectId };
  const and: Prisma.RunWhereInput[] = [];
  if (filter?.status?.length) where.status = { in: filter.status };
  if (filter?.experimentId) where.experimentId = filter.experimentId;
  if (filter?.sweepId) where.sweepId = filter.sweepId;
  if (filter?.paradigm) where.paradigm = filter.paradigm;
  if (filter?.tags?.length) where.tags = { hasEvery: filter.tags };
  for (const p of filter?.params ?? []) and.push({ config: { path: p.path.split('.'), equals: p.equals } });
  if (and.length) where.AND = and;
  return where;
}

export interface RunListQuery {
  projectId: string;
  filter?: RunListFilter | null;
  sort: 'createdAt' | 'progress';
  dir: SortDir;
  after?: Keyset | null;
  take: number;
}

export async function pageOfRuns(db: DbClient, q: RunListQuery): Promise<Page<Run>> {
  const base = runWhere(q.projectId, q.filter);
  const where = q.after ? { AND: [base, after(q.sort, q.dir, q.after)] } : base;
  const [rows, total] = await Promise.all([db.run.findMany({ where, orderBy: [{ [q.sort]: q.dir }, { id: q.dir }], take: q.take + 1 }), db.run.count({ where: base })]);
  return { rows, total };
}

/** Runs sorted by status: an enum order cannot be compared in a WHERE through Prisma, so pages go by offset. */
export async function pageOfRunsByStatus(db: DbClient, q: { projectId: string; filter?: RunListFilter | null; dir: SortDir; offset: number; take: number }): Promise<Page<Run>> {
  const base = runWhere(q.projectId, q.filter);
  const [rows, total] = await Promise.all([db.run.findMany({ where: base, orderBy: [{ status: q.dir }, { id: q.dir }], skip: q.offset, take: q.take + 1 }), db.run.count({ where: base })]);
  return { rows, total };
}

/** Up to `take` runs of the filter in one ordering (exports). */
export function runsOfFilter(db: DbClient, q: { projectId: string; filter?: RunListFilter | null; sort: 'createdAt' | 'progress' | 'status'; dir: SortDir; take: number }): Promise<Run[]> {
  return db.run.findMany({ where: runWhere(q.projectId, q.filter), orderBy: [{ [q.sort]: q.dir }, { id: q.dir }], take: q.take });
}

export async function pageOfSweeps(db: DbClient, q: { projectId: string; status?: SweepStatus[] | null; after?: Keyset | null; take: number }): Promise<Page<Sweep>> {
  const base: Prisma.SweepWhereInput = { projectId: q.projectId };
  if (q.status?.length) base.status = { in: q.status };
  const where = q.after ? { AND: [base, after('createdAt', 'desc', q.after)] } : base;
  const [rows, total] = await Promise.all([db.sweep.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: q.take + 1 }), db.sweep.count({ where: base })]);
  return { rows, total };
}
