// The orphan sweep: store folders of runs that no longer exist. A worker that finished writing a file after its run
// was deleted (deleteExperiment) cleans up itself (apps/worker/src/persist.ts); this catches what that cannot: a
// worker killed between its put and its insert, a deletePrefix that failed, files from before that fix.
import type { ArtifactStore, RunPrefix } from './store.js';

export interface OrphanSweepOptions {
  /**
   * A run folder is swept only when its newest object is older than this, so that a run being created, or a folder
   * a worker is still writing, is never touched. Default 10 minutes.
   */
  graceMs?: number;
  /** Lists but deletes nothing. */
  dryRun?: boolean;
  now?: Date;
  log?: (msg: string) => void;
}

export interface OrphanSweepResult {
  /** Run folders in the store. */
  checked: number;
  /** Folders of runs that do not exist, removed (or, with dryRun, to remove), with their object counts. */
  swept: { prefix: string; objects: number }[];
  /** Folders of runs that do not exist but hold an object younger than the grace period: left for a later sweep. */
  deferred: string[];
}

export const ORPHAN_GRACE_MS = 10 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Removes the store folders (projects/<p>/runs/<r>/) whose run is not in `existingRunIds`' answer. Folders whose
 * name is not a run id (a UUID) are not ours to judge and are left alone.
 */
export async function sweepOrphanRunFolders(
  store: ArtifactStore,
  existingRunIds: (ids: string[]) => Promise<Set<string>>,
  opts: OrphanSweepOptions = {},
): Promise<OrphanSweepResult> {
  const cutoff = (opts.now ?? new Date()).getTime() - (opts.graceMs ?? ORPHAN_GRACE_MS);
  const folders = (await store.listRunPrefixes()).filter((f) => UUID.test(f.runId));
  const result: OrphanSweepResult = { checked: folders.length, swept: [], deferred: [] };
  const orphans: RunPrefix[] = [];
  // in batches, so that a store with many runs never sends one huge IN (…) list
  for (let i = 0; i < folders.length; i += 500) {
    const batch = folders.slice(i, i + 500);
    const existing = await existingRunIds(batch.map((f) => f.runId));
    orphans.push(...batch.filter((f) => !existing.has(f.runId)));
  }
  for (const f of orphans) {
    const objects = await store.list(f.prefix);
    if (objects.some((o) => o.modifiedAt.getTime() > cutoff)) {
      result.deferred.push(f.prefix);
      continue;
    }
    const removed = opts.dryRun ? objects.length : await store.deletePrefix(f.prefix);
    result.swept.push({ prefix: f.prefix, objects: removed });
  }
  if (result.swept.length || result.deferred.length)
    opts.log?.(
      `orphan artifacts: ${opts.dryRun ? 'would remove' : 'removed'} ${result.swept.length} folder(s) of deleted runs (${result.swept.reduce((n, s) => n + s.objects, 0)} objects)` +
        (result.deferred.length ? `; ${result.deferred.length} written to in the last ${Math.round((opts.graceMs ?? ORPHAN_GRACE_MS) / 1000)} s left for later` : ''),
    );
  return result;
}
