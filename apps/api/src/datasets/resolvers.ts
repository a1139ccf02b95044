// GraphQL of datasets with content: uploads, s3:// registrations, deletion, one dataset by id, and its fields.
import type { Dataset } from '@driftprune/db';
import { requireProject, requireUser } from '../auth.js';
import type { ApiContext } from '../context.js';
import { isUuid, notFound } from '../errors.js';
import type { DatasetResolvers, MutationResolvers, QueryResolvers } from '../resolvers-types.js';
import type { Role } from '@driftprune/db';

export async function loadDataset(ctx: ApiContext, id: string, min: Role = 'viewer'): Promise<Dataset> {
  requireUser(ctx.principal);
  const row = isUuid(id) ? await ctx.datasets.repo.byId(id) : null;
  if (!row || !ctx.principal!.roles.has(row.projectId)) throw notFound('dataset', id);
  requireProject(ctx.principal, row.projectId, min);
  return row;
}

export const datasetQueries: Pick<QueryResolvers, 'dataset'> = {
  dataset: async (_p, { id }, ctx) => {
    requireUser(ctx.principal);
    const row = isUuid(id) ? await ctx.datasets.repo.byId(id) : null;
    return row && ctx.principal!.roles.has(row.projectId) ? row : null;
  },
};

export const datasetMutations: Pick<MutationResolvers, 'beginDatasetUpload' | 'completeDatasetUpload' | 'registerS3Dataset' | 'deleteDataset'> = {
  beginDatasetUpload: async (_p, { input }, ctx) => {
    requireProject(ctx.principal, input.projectId, 'editor');
    return ctx.datasets.begin(input, ctx.principal!.user.id);
  },
  completeDatasetUpload: async (_p, { id }, ctx) => ctx.datasets.complete(await loadDataset(ctx, id, 'editor')),
  registerS3Dataset: async (_p, { input }, ctx) => {
    requireProject(ctx.principal, input.projectId, 'editor');
    return ctx.datasets.registerS3(input, ctx.principal!.user.id);
  },
  deleteDataset: async (_p, { id }, ctx) => {
    const d = await loadDataset(ctx, id, 'editor');
    await ctx.datasets.remove(d);
    return d.id;
  },
};

export const datasetFields: DatasetResolvers = {
  sizeBytes: (d) => (d.sizeBytes === null ? null : Number(d.sizeBytes)),
  storage: (d) => (d.storeKey ? 'store' : d.location?.startsWith('s3://') && d.sha256 ? 's3' : null),
  receivedBytes: (d, _a, ctx) => (d.status === 'uploading' ? ctx.datasets.received(d) : d.sizeBytes === null ? null : Number(d.sizeBytes)),
  uploadPath: (d) => (d.status === 'uploading' ? `/datasets/${d.id}/upload` : null),
};
