// The artifact store's side of reconciliation: folders of runs that no longer exist are removed.
import { existingRunIds, sweepOrphanRunFolders, type ArtifactStore, type Db, type OrphanSweepOptions, type OrphanSweepResult } from '@driftprune/db';

/**
 * Removes the store folders (projects/<p>/runs/<r>/) of runs that are not in Postgres, once nothing was written to
 * them for the grace period (10 minutes by default). See sweepOrphanRunFolders in @driftprune/db.
 */
export function sweepOrphanArtifacts(db: Db, store: ArtifactStore, opts: OrphanSweepOptions = {}): Promise<OrphanSweepResult> {
  const existing = (ids: string[]) => existingRunIds(db, ids);
  return sweepOrphanRunFolders(store, existing, opts);
}
