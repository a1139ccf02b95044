// The run lifecycle's dependencies from a request's context.
import type { ApiContext } from '../context.js';
import type { RunDeps } from './runs.js';

export const runDeps = (ctx: ApiContext): RunDeps & { store: ApiContext['store'] } => ({
  db: ctx.db,
  queues: ctx.queues,
  redis: ctx.redis,
  prefix: ctx.prefix,
  store: ctx.store,
  bindData: (projectId, config) => ctx.datasets.bindConfig(projectId, config),
});
