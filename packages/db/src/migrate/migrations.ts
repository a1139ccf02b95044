// Creating and applying migrations (prisma/migrations/<timestamp>_<name>/migration.sql) through the wasm engine.
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadSchemaEngineRuntime, noFilters } from './engine.js';

/** Repository root: packages/db/src/migrate → ../../../.. */
export const repoRoot = resolve(import.meta.dirname, '../../../..');
export const schemaPath = join(repoRoot, 'prisma/schema.prisma');
export const migrationsDir = join(repoRoot, 'prisma/migrations');

async function migrationList(dir: string) {
  const names = existsSync(dir)
    ? (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()
    : [];
  const lock = join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lock) ? await readFile(lock, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: await readFile(join(dir, name, 'migration.sql'), 'utf8') } },
      })),
    ),
  };
}

/**
 * Diffs the schema against a throwaway in-memory PGlite with the existing migrations replayed, and writes the
 * difference as a new migration. Returns the new directory, or null when the schema has not changed.
 */
export async function createMigration(name: string, opts: { schema?: string; dir?: string; now?: Date } = {}): Promise<string | null> {
  if (!/^[a-z0-9_]+$/i.test(name)) throw new Error(`migration name must be letters, digits and _ (got "${name}")`);
  const dir = opts.dir ?? migrationsDir;
  const files = [{ path: 'schema.prisma', content: await readFile(opts.schema ?? schemaPath, 'utf8') }];
  const rt = await loadSchemaEngineRuntime();
  const shadow = new PGlite();
  const engine = await rt.SchemaEngine.new({ datamodels: undefined }, () => {}, bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(shadow) as never));
  try {
    const list = await migrationList(dir);
    if (list.migrationDirectories.length) await engine.applyMigrations({ migrationsList: list, filters: noFilters });
    const diff = await engine.diff({
      from: { tag: 'schemaDatasource', files, configDir: '.' },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: true,
      filters: noFilters,
    });
    if (diff.exitCode === 0 || !diff.stdout.trim()) return null;
    const stamp = (opts.now ?? new Date()).toISOString().replace(/\D/g, '').slice(0, 14);
    const out = join(dir, `${stamp}_${name}`);
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'migration.sql'), diff.stdout);
    if (!existsSync(join(dir, 'migration_lock.toml'))) await writeFile(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    return out;
  } finally {
    engine.free();
    await shadow.close();
  }
}

/** Applies pending migrations to a postgresql:// database (idempotent: applied ones are skipped). */
export async function deployMigrations(databaseUrl: string, opts: { dir?: string } = {}): Promise<string[]> {
  const rt = await loadSchemaEngineRuntime();
  const factory = new PrismaPg({ connectionString: databaseUrl });
  const engine = await rt.SchemaEngine.new({ datamodels: undefined }, () => {}, bindMigrationAwareSqlAdapterFactory(factory as never));
  try {
    const out = await engine.applyMigrations({ migrationsList: await migrationList(opts.dir ?? migrationsDir), filters: noFilters });
    return out.appliedMigrationNames;
  } finally {
    engine.free();
  }
}
