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
    const members = await ctx.db.membership.findMany({ where: { userId: p.user.id }, include: { project: true }, orderBy: { createdAt: 'asc' } });
    return { user: p.user, memberships: members.map((m) => ({ role: m.role, project: { ...m.project, role: m.role } })) };
  },
  projects: async (_p, _a, ctx) => {
    const p = requireUser(ctx.principal);
    const rows = await ctx.db.project.findMany({ where: { id: { in: [...p.roles.keys()] } }, orderBy: { createdAt: 'asc' } });
    return rows.map((r) => ({ ...r, role: p.roles.get(r.id)! }));
  },
  project: async (_p, { id }, ctx) => {
    const role = requireProject(ctx.principal, id);
    const row = await ctx.db.project.findUnique({ where: { id } });
    if (!row) throw notFound('project', id);
    return { ...row, role };
  },
  datasets: (_p, { projectId }, ctx) => {
    requireProject(ctx.principal, projectId);
    return ctx.db.dataset.findMany({ where: { projectId }, orderBy: { createdAt: 'desc' } });
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
    const rows = await ctx.db.worker.findMany({ orderBy: { heartbeatAt: 'desc' }, take: 200 });
    // Workers are shared by every project; the runs they hold are not: each caller sees only their projects' runs.
    const ids = [...new Set(rows.flatMap((w) => w.activeRuns))].filter(isUuid);
    const visible = new Set(
      ids.length ? (await ctx.db.run.findMany({ where: { id: { in: ids }, projectId: { in: [...p.roles.keys()] } }, select: { id: true } })).map((r) => r.id) : [],
    );
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
    return ctx.db.apiToken.findMany({ where: { userId: p.user.id }, orderBy: { createdAt: 'desc' } });
  },
};

