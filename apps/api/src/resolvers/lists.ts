// The paginated lists (experiments, runs, sweeps), with filters and sorting, scoped to one project.
import { configPathProblem } from '@driftprune/config';
import { pageOfExperiments, pageOfRuns, pageOfRunsByStatus, pageOfSweeps, type RunListFilter } from '@driftprune/db';
import { requireProject } from '../auth.js';
import type { ApiContext } from '../context.js';
import { badInput, isUuid } from '../errors.js';
import { connection, decodeCursor, encodeCursor, keysetOf, offsetOf, pageSize, type Dir } from '../pagination.js';
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
  const sort = args.sort?.field === 'NAME' ? 'name' : 'createdAt';
  const dir: Dir = args.sort?.direction === 'ASC' ? 'asc' : 'desc';
  const after = args.after ? keysetOf(decodeCursor(args.after), sort === 'createdAt' ? 'date' : 'text') : null;
  const { rows, total } = await pageOfExperiments(ctx.db, { projectId, nameContains: args.filter?.nameContains, paradigm: args.filter?.paradigm, sort, dir, after, take });
  return connection(rows, take, total, (r) => encodeCursor([sort === 'name' ? r.name : r.createdAt.toISOString(), r.id]));
}

/** An id that matches no row: a malformed id in a filter finds nothing rather than failing in Postgres. */
const NO_ID = '00000000-0000-0000-0000-000000000000';

/** The GraphQL run filter, checked (BAD_USER_INPUT on a bad params path or value), as the repository's filter. */
export function runListFilter(filter: RunFilter | null | undefined): RunListFilter {
  const params = (filter?.params ?? []).map((p) => {
    const problem = configPathProblem(p.path);
    if (problem) throw badInput(`params filter path: ${problem}`);
    if (p.equals === null || typeof p.equals === 'object') throw badInput('params filter `equals` must be a number, string or boolean');
    return { path: p.path, equals: p.equals as string | number | boolean };
  });
  return {
    status: filter?.status,
    experimentId: filter?.experimentId ? (isUuid(filter.experimentId) ? filter.experimentId : NO_ID) : null,
    sweepId: filter?.sweepId ? (isUuid(filter.sweepId) ? filter.sweepId : NO_ID) : null,
    paradigm: filter?.paradigm,
    tags: filter?.tags?.slice(0, 20),
    params,
  };
}

export async function listRuns(ctx: ApiContext, projectId: string, args: ListArgs<RunFilter, RunSort>) {
  requireProject(ctx.principal, projectId);
  const take = pageSize(args.first);
  const dir: Dir = args.sort?.direction === 'ASC' ? 'asc' : 'desc';
  const filter = runListFilter(args.filter);
  const sortField = args.sort?.field ?? 'CREATED_AT';
  if (sortField === 'STATUS') {
    const offset = args.after ? offsetOf(decodeCursor(args.after)) : 0;
    const { rows, total } = await pageOfRunsByStatus(ctx.db, { projectId, filter, dir, offset, take });
    return connection(rows, take, total, (_r, i) => encodeCursor(['o', offset + i + 1]));
  }
  const sort = sortField === 'PROGRESS' ? 'progress' : 'createdAt';
  const after = args.after ? keysetOf(decodeCursor(args.after), sort === 'createdAt' ? 'date' : 'number') : null;
  const { rows, total } = await pageOfRuns(ctx.db, { projectId, filter, sort, dir, after, take });
  return connection(rows, take, total, (r) => encodeCursor([sort === 'progress' ? r.progress : r.createdAt.toISOString(), r.id]));
}

export async function listSweeps(ctx: ApiContext, projectId: string, args: { first?: number | null; after?: string | null; status?: SweepStatus[] | null }) {
  requireProject(ctx.principal, projectId);
  const take = pageSize(args.first);
  const after = args.after ? keysetOf(decodeCursor(args.after), 'date') : null;
  const { rows, total } = await pageOfSweeps(ctx.db, { projectId, status: args.status, after, take });
  return connection(rows, take, total, (r) => encodeCursor([r.createdAt.toISOString(), r.id]));
}
