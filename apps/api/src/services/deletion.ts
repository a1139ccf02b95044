// Hard deletes of runs (one run, a sweep, an experiment): one order for all of them.
import { runArtifactPrefix } from '@driftprune/db';
import { channels, publishJson } from '@driftprune/runs';
import type { ApiContext } from '../context.js';

/**
 * Stops the runs still queued or running, deletes the rows (`removeRows`, whose cascade takes the runs with it),
 * then the runs' stored files. Rows first: a worker still finishing a window may store a file after this; its
 * Artifact insert then fails on the missing run and the worker removes the file (apps/worker/src/persist.ts). Files
 * first would let a file stored between the two steps keep a row that the cascade then drops, leaving the file behind.
 */
export async function deleteRunsAndFiles(
  ctx: ApiContext,
  projectId: string,
  runs: readonly { id: string; status: string }[],
  removeRows: () => Promise<unknown>,
): Promise<{ deletedRuns: number; deletedArtifacts: number }> {
  for (const r of runs)
    if (r.status === 'queued' || r.status === 'running') {
      await ctx.db.run.update({ where: { id: r.id }, data: { cancelRequested: true } });
      await ctx.queues.removeWaiting([r.id]);
      await publishJson(ctx.redis, channels(ctx.prefix).cancel, { runId: r.id });
    }
  const deletedArtifacts = await ctx.db.artifact.count({ where: { runId: { in: runs.map((r) => r.id) } } });
  await removeRows();
  // a failure here leaves folders without runs, which the workers' orphan sweep removes (reconcile.ts)
  for (const r of runs) await ctx.store.deletePrefix(runArtifactPrefix(projectId, r.id));
  return { deletedRuns: runs.length, deletedArtifacts };
}
