// The artifact store's side of reconciliation: folders of runs that no longer exist are removed.
import { sweepOrphanRunFolders, type ArtifactStore, type Db, type OrphanSweepOptions, type OrphanSweepResult } from '@driftprune/db';

/**
 * Removes the store folders (projects/<p>/runs/<r>/) of runs that are not in Postgres, once nothing was written to
 * them for the grace period (10 minutes by default). See sweepOrphanRunFolders in @driftprune/db.
 */
export function sweepOrphanArtifacts(db: Db, store: ArtifactStore, opts: OrphanSweepOptions = {}): Promise<OrphanSweepResult> {
  const existing = async (ids: string[]) => new Set((await db.run.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id));
  return sweepOrphanRunFolders(store, existing, opts);
}
