import { apiTokensOfUser, existingRunIds, latestWorkers, membershipsOfUser, projectById, projectsByIds } from '@driftprune/db';
import type { QueryResolvers } from '../resolvers-types.js';
import { requireProject, requireUser } from '../auth.js';
import { metricSeries } from '../downsample.js';
import { isUuid, notFound } from '../errors.js';
import { loadExperiment, loadRun, loadRunVersion, loadSweep } from '../services/access.js';
import { listExperiments, listRuns, listSweeps } from './lists.js';
import { checkHealth } from '../health.js';
import { exportRuns } from '../services/export.js';
import { workerLiveStates } from '../worker-fleet.js';

export const Query: QueryResolvers = {
  health: (_p, _a, ctx) => checkHealth(ctx),
  me: async (_p, _a, ctx) => {
    const p = requireUser(ctx.principal);
    const members = await membershipsOfUser(ctx.db, p.user.id);
    return { user: p.user, memberships: members.map((m) => ({ role: m.role, project: { ...m.project, role: m.role } })) };
  },
  projects: async (_p, _a, ctx) => {
    const p = requireUser(ctx.principal);
    const rows = await projectsByIds(ctx.db, [...p.roles.keys()]);
    return rows.map((r) => ({ ...r, role: p.roles.get(r.id)! }));
  },
  project: async (_p, { id }, ctx) => {
    const role = requireProject(ctx.principal, id);
    const row = await projectById(ctx.db, id);
    if (!row) throw notFound('project', id);
    return { ...row, role };
  },
  datasets: (_p, { projectId }, ctx) => {
    requireProject(ctx.principal, projectId);
    return ctx.datasets.repo.list(projectId);
  },
  experiments: (_p, args, ctx) => listExperiments(ctx, args.projectId, args),
  experiment: (_p, { id }, ctx) => loadExperiment(ctx, id),
  runs: (_p, args, ctx) => listRuns(ctx, args.projectId, args),
  run: (_p, { id }, ctx) => loadRun(ctx, id),
  runMetrics: async (_p, { runId, ...q }, ctx) => {
    const run = await loadRunVersion(ctx, runId);
    return ctx.metricCache.get(run, q, () => metricSeries(ctx.db, { runId, ...q }));
  },
  sweeps: (_p, args, ctx) => listSweeps(ctx, args.projectId, args),
  sweep: (_p, { id }, ctx) => loadSweep(ctx, id),
  workers: async (_p, _a, ctx) => {
    const p = requireUser(ctx.principal);
    const rows = await latestWorkers(ctx.db, 200);
    // Workers are shared by every project; the runs they hold are not: each caller sees only their projects' runs.
    const ids = [...new Set(rows.flatMap((w) => w.activeRuns))].filter(isUuid);
    const visible = await existingRunIds(ctx.db, ids, [...p.roles.keys()]);
    // labels, load and drain live in Redis with the worker's heartbeat (worker-fleet.ts)
    const live = await workerLiveStates(ctx.redis, ctx.prefix, rows.filter((w) => !w.stoppedAt).map((w) => w.id));
    return rows.map((w) => ({ ...w, activeRuns: w.activeRuns.filter((id) => visible.has(id)), live: live.get(w.id) ?? null }));
  },
  exportRuns: (_p, args, ctx) => {
    requireProject(ctx.principal, args.projectId);
    return exportRuns(ctx.db, args);
  },
  apiTokens: (_p, _a, ctx) => {
    const p = requireUser(ctx.principal);
    return apiTokensOfUser(ctx.db, p.user.id);
  },
};

