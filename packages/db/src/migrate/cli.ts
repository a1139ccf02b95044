#!/usr/bin/env tsx
// npm run db:migrate            → apply pending migrations to DATABASE_URL (creating the database if absent)
// npm run db:migrate:create -- NAME → write prisma/migrations/<ts>_NAME from the schema diff
import { loadEnv } from '@driftprune/config';
import { ensureDatabase } from '../database.js';
import { createMigration, deployMigrations } from './migrations.js';

const [cmd, name] = process.argv.slice(2);
try {
  if (cmd === 'create') {
    if (!name) throw new Error('usage: npm run db:migrate:create -- NAME');
    const t0 = performance.now();
    const dir = await createMigration(name);
    console.log(dir ? `wrote ${dir} (${Math.round(performance.now() - t0)} ms)` : 'no schema changes: nothing written');
  } else if (cmd === 'deploy') {
    const { DATABASE_URL } = loadEnv();
    const created = await ensureDatabase(DATABASE_URL);
    if (created) console.log(`created database ${new URL(DATABASE_URL).pathname.slice(1)}`);
    const applied = await deployMigrations(DATABASE_URL);
    console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database is up to date');
  } else {
    throw new Error('usage: cli.ts deploy | create NAME');
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
