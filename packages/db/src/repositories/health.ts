// Whether the database answers at all (readiness checks, waiting out an outage).
import type { DbClient } from '../client.js';

/** Resolves when the database answers a trivial query; rejects with the driver's error otherwise. */
export async function pingDatabase(db: DbClient): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}
