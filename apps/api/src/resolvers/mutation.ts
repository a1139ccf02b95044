import { csvMapping, parseConfig, SOURCE_KINDS, syntheticOptions, experimentConfig } from '@driftprune/config';
import { apiTokenById, createApiToken, createExperiment, createProjectWithAdmin, deleteExperimentRow, isUniqueViolation, newApiToken, revokeApiToken, runRefsOfExperiment } from '@driftprune/db';
import type { MutationResolvers } from '../resolvers-types.js';
import { requireProject, requireUser } from '../auth.js';
import { badInput, forbidden, isUuid, notFound, validated } from '../errors.js';
import { memberMutations } from './members.js';
import { loadExperiment, loadRun, loadSweep } from '../services/access.js';
import { runDeps as deps } from '../services/run-deps.js';
import { cancelRun, cancelSweep, configInput, deleteRunsAndFiles, retryRun, submitRun, submitSweep } from '../services/runs.js';


function nonEmpty(value: string, what: string, max = 200): string {
  const v = value.trim();
  if (!v || v.length > max) throw badInput(`${what} must be 1..${max} characters`);
  return v;
}

function isUnique(e: unknown): boolean {
  return isUniqueViolation(e);
}

export const Mutation: MutationResolvers = {
  createProject: async (_p, { input }, ctx) => {
    const p = requireUser(ctx.principal);
    const name = nonEmpty(input.name, 'name');
    const slug = (input.slug ?? name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')).slice(0, 60);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) throw badInput('slug must be lowercase letters, digits and single dashes');
    try {
      const project = await createProjectWithAdmin(ctx.db, { name, slug, adminUserId: p.user.id });
      await ctx.announceAuth({ kind: 'roles-changed', userId: p.user.id, reduced: false });
      return { ...project, role: 'admin' as const };
    } catch (e) {
      if (isUnique(e)) throw badInput(`a project with slug "${slug}" already exists`);
      throw e;
    }
  },
  ...memberMutations,
  createDataset: async (_p, { input }, ctx) => {
    requireProject(ctx.principal, input.projectId, 'editor');
    const name = nonEmpty(input.name, 'name');
    if (!(SOURCE_KINDS as readonly string[]).includes(input.kind)) throw badInput(`kind must be one of ${SOURCE_KINDS.join(', ')}`);
    let mapping: unknown = input.mapping ?? null;
    if (input.kind === 'csv') mapping = validated(() => parseConfig(csvMapping, configInput(input.mapping, 'csv mapping'), 'csv mapping'));
    else if (input.kind === 'synthetic') mapping = validated(() => parseConfig(syntheticOptions, configInput(input.mapping ?? {}, 'synthetic options'), 'synthetic options'));
    else if (!input.location) throw badInput(`location is required for a ${input.kind} dataset`);
    if (input.stats != null && (typeof input.stats !== 'object' || Array.isArray(input.stats))) throw badInput('stats must be an object');
    try {
      return await ctx.datasets.repo.createEntry({ projectId: input.projectId, name, kind: input.kind, location: input.location ?? null, mapping, stats: input.stats });
    } catch (e) {
      if (isUnique(e)) throw badInput(`a dataset named "${name}" already exists in this project`);
      throw e;
    }
  },
  createExperiment: async (_p, { input }, ctx) => {
    const p = requireUser(ctx.principal);
    requireProject(p, input.projectId, 'editor');
    const name = nonEmpty(input.name, 'name');
    const config = await ctx.datasets.bindConfig(input.projectId, validated(() => parseConfig(experimentConfig, configInput(input.config, 'experiment config'), 'experiment config')));
    if (input.datasetId) {
      const ds = isUuid(input.datasetId) ? await ctx.datasets.repo.byId(input.datasetId) : null;
      if (!ds || ds.projectId !== input.projectId) throw notFound('dataset', input.datasetId);
    }
    return createExperiment(ctx.db, {
      projectId: input.projectId,
      name,
      description: input.description ?? null,
      config,
      paradigm: config.paradigm.kind,
      datasetId: input.datasetId ?? null,
      createdById: p.user.id,
    });
  },
  submitRun: async (_p, { input }, ctx) => submitRun(deps(ctx), await loadExperiment(ctx, input.experimentId, 'editor'), input),
  submitSweep: async (_p, { input }, ctx) => submitSweep(deps(ctx), await loadExperiment(ctx, input.experimentId, 'editor'), input),
  cancelRun: async (_p, { id }, ctx) => cancelRun(deps(ctx), await loadRun(ctx, id, 'editor')),
  cancelSweep: async (_p, { id }, ctx) => cancelSweep(deps(ctx), await loadSweep(ctx, id, 'editor')),
  retryRun: async (_p, { id }, ctx) => retryRun(deps(ctx), await loadRun(ctx, id, 'editor')),
  deleteExperiment: async (_p, { id }, ctx) => {
    const exp = await loadExperiment(ctx, id, 'editor');
    const runs = await runRefsOfExperiment(ctx.db, exp.id);
    const deleted = await deleteRunsAndFiles(deps(ctx), exp.projectId, runs, () => deleteExperimentRow(ctx.db, exp.id));
    return { id: exp.id, ...deleted };
  },
  createApiToken: async (_p, { name, expiresInDays }, ctx) => {
    const p = requireUser(ctx.principal);
    const n = nonEmpty(name, 'name', 100);
    if (expiresInDays != null && (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 3650)) throw badInput('expiresInDays must be an integer in 1..3650');
    const t = newApiToken();
    const apiToken = await createApiToken(ctx.db, { userId: p.user.id, name: n, tokenHash: t.hash, prefix: t.prefix, expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null });
    return { token: t.token, apiToken };
  },
  devLogin: async (_p, _a, ctx) => {
    if (!ctx.localMode) throw forbidden('the dev login exists in local mode only (LOCAL_MODE=true); sign in with an API token');
    return ctx.devLogin.login(ctx.client);
  },
  revokeApiToken: async (_p, { id }, ctx) => {
    const p = requireUser(ctx.principal);
    const row = isUuid(id) ? await apiTokenById(ctx.db, id) : null;
    if (!row || row.userId !== p.user.id) throw notFound('API token', id);
    const revoked = await revokeApiToken(ctx.db, row);
    await ctx.announceAuth({ kind: 'token-revoked', tokenId: id, userId: p.user.id });
    return revoked;
  },
};
