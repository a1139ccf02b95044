import { runById, type Run } from '@driftprune/db';
import type { MetricMessage, RunUpdatedMessage } from '@driftprune/runs';
import type { SubscriptionResolvers } from '../resolvers-types.js';
import { requireProject } from '../auth.js';
import { loadRun } from '../services/access.js';

export const Subscription: SubscriptionResolvers = {
  runUpdated: {
    subscribe: (_p, { projectId, runId }, ctx) => {
      requireProject(ctx.principal, projectId);
      return ctx.hub.feed<RunUpdatedMessage, { runUpdated: Run }>(
        ctx.hub.channels.run,
        (m) => m.projectId === projectId && (!runId || m.runId === runId),
        async (m) => {
          const run = await runById(ctx.db, m.runId);
          return run ? { runUpdated: run } : undefined;
        },
      );
    },
  },
  windowMetricAdded: {
    subscribe: async (_p, { runId }, ctx) => {
      await loadRun(ctx, runId);
      return ctx.hub.feed<MetricMessage, { windowMetricAdded: MetricMessage }>(
        ctx.hub.channels.metric,
        (m) => m.runId === runId,
        (m) => ({ windowMetricAdded: m }),
      );
    },
  },
};
