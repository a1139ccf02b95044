#!/usr/bin/env tsx
// Removes the artifact-store folders of runs that no longer exist (the sweep every worker also runs at start):
//   npm run sweep-orphans -w @driftprune/worker [-- --dry-run] [--grace-minutes N]
// env: DATABASE_URL, ARTIFACT_STORE, S3_* (packages/config/src/env.ts); a relative ARTIFACT_STORE is taken from the
// folder npm was started in (INIT_CWD), not from apps/worker where npm runs the script.
import { parseArgs } from 'node:util';
import { loadEnv } from '@driftprune/config';
import { createArtifactStore, createDb, ORPHAN_GRACE_MS } from '@driftprune/db';
import { sweepOrphanArtifacts } from './orphans.js';

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, 'grace-minutes': { type: 'string' } } });
const graceMs = values['grace-minutes'] !== undefined ? Number(values['grace-minutes']) * 60_000 : ORPHAN_GRACE_MS;
if (!Number.isFinite(graceMs) || graceMs < 0) {
  console.error('--grace-minutes must be a number >= 0');
  process.exit(2);
}
const env = loadEnv();
const db = createDb({ url: env.DATABASE_URL, poolSize: 2 });
const store = createArtifactStore(env, env.INIT_CWD ?? process.cwd());
try {
  const r = await sweepOrphanArtifacts(db, store, { graceMs, dryRun: values['dry-run'] });
  for (const s of r.swept) console.log(`${values['dry-run'] ? 'would remove' : 'removed'} ${s.prefix} (${s.objects} objects)`);
  for (const d of r.deferred) console.log(`left ${d}: written to in the last ${graceMs / 60_000} min`);
  console.log(`${store.url}: ${r.checked} run folders, ${r.swept.length} of deleted runs ${values['dry-run'] ? 'to remove' : 'removed'}, ${r.deferred.length} left for later`);
} finally {
  await db.$disconnect();
}
