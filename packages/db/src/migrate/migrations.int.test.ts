// Slow (wasm schema engine + in-memory PGlite, ~5-15 s per diff), so it runs with the integration tier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMigration, migrationsDir, schemaPath } from './migrations.js';

test('the committed migrations match prisma/schema.prisma, and a schema change becomes a new migration', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dp-mig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(migrationsDir, dir, { recursive: true });
  assert.equal(await createMigration('drift_check', { dir }), null, 'schema.prisma has changes without a migration: run npm run db:migrate:create -- NAME');
  const schema = join(dir, 'schema.prisma');
  await writeFile(schema, (await readFile(schemaPath, 'utf8')) + '\nmodel Note {\n  id   Int    @id @default(autoincrement())\n  text String\n}\n');
  const out = await createMigration('add_note', { dir, schema, now: new Date('2030-01-02T03:04:05Z') });
  assert.equal(out, join(dir, '20300102030405_add_note'));
  assert.match(await readFile(join(out!, 'migration.sql'), 'utf8'), /CREATE TABLE "Note"/);
});
