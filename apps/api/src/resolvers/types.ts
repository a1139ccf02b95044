// Field resolvers of the object types: relations, computed fields, and scoped sub-lists.
import {
  artifactsOfRun,
  experimentById,
  latestRunOfExperiment,
  paradigmsOfExperimentRuns,
  refreshEventsOfRun,
  runCountOfExperiment,
  servingEvaluationsOfRun,
  sweepById,
  sweepsOfExperiment,
} from '@driftprune/db';
import type { Resolvers } from '../resolvers-types.js';
import { metricSeries } from '../downsample.js';
import { pointLabel } from '@driftprune/config';
import { listRuns } from './lists.js';

const ALIVE_MS = 30_000;

/** The summary's warnings (RunSummary.warnings), keeping only well-formed entries: summaries are stored JSON. */
export function runWarnings(summary: unknown): { code: string; message: string }[] {
  const list = (summary as { warnings?: unknown } | null)?.warnings;
  if (!Array.isArray(list)) return [];
  return list.filter((w): w is { code: string; message: string } => typeof w?.code === 'string' && typeof w?.message === 'string');
}

/** A run without a given name: what its sweep point varies, or its config's name and seed. */
export function runDerivedName(r: { params: unknown; config: unknown; seed: number }): string {
  const params = r.params && typeof r.params === 'object' && !Array.isArray(r.params) ? (r.params as Record<string, unknown>) : null;
  const label = params && Object.keys(params).some((k) => k !== 'seed') ? pointLabel(params) : '';
  if (label) return label;
  const name = (r.config as { name?: unknown } | null)?.name;
  return `${typeof name === 'string' ? name : 'run'} · s${r.seed}`;
}

export const typeResolvers: Resolvers = {
  Experiment: {
    config: (e) => e.config,
    paradigms: async (e, _a, ctx) => {
      const known = (e as { _paradigms?: string[] })._paradigms;
      const used = known ?? (await paradigmsOfExperimentRuns(ctx.db, e.id));
      return [...new Set([e.paradigm, ...used])].sort();
    },
    runCount: (e, _a, ctx) => (e as { _count?: { runs: number } })._count?.runs ?? runCountOfExperiment(ctx.db, e.id),
    latestRun: (e, _a, ctx) => latestRunOfExperiment(ctx.db, e.id),
    runs: (e, args, ctx) => listRuns(ctx, e.projectId, { ...args, filter: { ...(args.filter ?? {}), experimentId: e.id } }),
    sweeps: (e, _a, ctx) => sweepsOfExperiment(ctx.db, e.id),
  },
  Sweep: {
    experiment: async (s, _a, ctx) => (await experimentById(ctx.db, s.experimentId))!,
    runs: (s, args, ctx) => listRuns(ctx, s.projectId, { ...args, filter: { ...(args.filter ?? {}), sweepId: s.id } }),
  },
  Run: {
    name: (r) => r.name ?? runDerivedName(r),
    named: (r) => r.name !== null,
    experiment: async (r, _a, ctx) => (await experimentById(ctx.db, r.experimentId))!,
    sweep: (r, _a, ctx) => (r.sweepId ? sweepById(ctx.db, r.sweepId) : null),
    metrics: (r, args, ctx) => ctx.metricCache.get(r, args, () => metricSeries(ctx.db, { runId: r.id, ...args })),
    refreshes: (r, _a, ctx) => refreshEventsOfRun(ctx.db, r.id),
    servingEvals: (r, _a, ctx) => servingEvaluationsOfRun(ctx.db, r.id),
    artifacts: (r, _a, ctx) => artifactsOfRun(ctx.db, r.id),
    warnings: (r) => runWarnings(r.summary),
  },
  Artifact: {
    // the key inside the store: the store's own location (a server folder, a bucket) is not the caller's business
    uri: (a) => `store:${a.key}`,
    sizeBytes: (a) => Number(a.sizeBytes),
    downloadPath: (a) => `/artifacts/${a.id}`,
  },
  Worker: {
    alive: (w) => !w.stoppedAt && Date.now() - w.heartbeatAt.getTime() < ALIVE_MS,
    labels: (w) => w.live?.labels ?? [],
    queues: (w) => w.live?.queues ?? [],
    draining: (w) => w.live?.drainingSince != null,
    drainingSince: (w) => (w.live?.drainingSince != null ? new Date(w.live.drainingSince) : null),
    busy: (w) => w.live?.busy ?? 0,
    load: (w) => (w.live ? { load1: w.live.load1, cpus: w.live.cpus, memTotalMb: w.live.memTotalMb, memFreeMb: w.live.memFreeMb, rssMb: w.live.rssMb } : null),
  },
};
