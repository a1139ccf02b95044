#!/usr/bin/env tsx
// Idempotent demo data: the demo user (admin of the demo project) and a fresh API token, printed on stdout.
//   npm run seed -w @driftprune/api            → prints the token (one line: DRIFTPRUNE_TOKEN=dp_…)
import { pathToFileURL } from 'node:url';
import { loadEnv } from '@driftprune/config';
import { createApiToken, createDb, ensureProjectAdmin, newApiToken, type Db } from '@driftprune/db';

export const DEMO_EMAIL = 'demo@driftprune.local';
export const DEMO_PROJECT_SLUG = 'demo';

export interface SeedResult {
  userId: string;
  projectId: string;
  token: string;
  tokenId: string;
}

/** The demo user, admin of the demo project (created when missing). */
export async function ensureDemo(db: Db): Promise<{ userId: string; projectId: string }> {
  return ensureProjectAdmin(db, { email: DEMO_EMAIL, name: 'Demo user' }, { slug: DEMO_PROJECT_SLUG, name: 'Demo project' });
}

export async function seedDemo(db: Db, tokenName = 'demo'): Promise<SeedResult> {
  const { userId, projectId } = await ensureDemo(db);
  const t = newApiToken();
  const row = await createApiToken(db, { userId, name: tokenName, tokenHash: t.hash, prefix: t.prefix });
  return { userId, projectId, token: t.token, tokenId: row.id };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = loadEnv();
  const db = createDb({ url: env.DATABASE_URL, poolSize: 2 });
  try {
    const r = await seedDemo(db, `seed ${new Date().toISOString()}`);
    console.error(`[seed] demo user ${DEMO_EMAIL} is admin of project "${DEMO_PROJECT_SLUG}" (${r.projectId})`);
    console.log(`DRIFTPRUNE_TOKEN=${r.token}`);
  } finally {
    await db.$disconnect();
  }
}
