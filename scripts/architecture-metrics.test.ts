// The metrics script counts what it should on a small tree: an app importing another app, a status write, delegate
// calls and raw SQL in an app (but not in its tests, nor a Map's delete), and the longest function; a status write in
// packages/db counts for the modules that import it (or for itself, when the index exports it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const script = join(import.meta.dirname, 'architecture-metrics.mjs');

test('architecture metrics on a tree with one of each offence', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'dp-arch-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put('prisma/schema.prisma', 'model Run {\n  id String @id\n}\nmodel WindowMetric {\n  id Int @id\n}\n');
  put('apps/api/src/a.ts', "import { x } from '@driftprune/worker';\nexport const f = async (db: any, m: Map<string, number>) => {\n  m.delete('k');\n  await db.run.findMany({});\n  await db.windowMetric.count();\n  await db.$queryRaw`SELECT 1`;\n  return x;\n};\n");
  put('apps/api/src/a.test.ts', 'export const g = (db: any) => db.run.findMany({});\n');
  put('apps/worker/src/w.ts', "export async function settle(db: any) {\n  await db.run.update({ where: { id: '1' }, data: { status: 'failed' } });\n  await db.run.update({ where: { id: '1' }, data: { progress: 1 } });\n}\n");
  put('packages/db/src/r.ts', 'export const r = (db: any) => db.run.findMany({});\n');
  put('packages/experiment/src/runner.ts', 'export function runExperiment() {\n  const a = 1;\n  return a;\n}\n');
  const out = JSON.parse(execFileSync(process.execPath, [script, '--json', '--root', root], { encoding: 'utf8' }));
  assert.equal(out.appToAppImports, 1);
  assert.deepEqual(out.runStatusWriters, ['apps/worker/src/w.ts']);
  assert.deepEqual(out.prismaCallsOutsideDb.perFile, { 'apps/api/src/a.ts': 3, 'apps/worker/src/w.ts': 2 });
  assert.equal(out.prismaCallsInDb, 1);
  assert.deepEqual([out.longestFunction.runner.name, out.longestFunction.runner.lines], ['runExperiment', 4]);
  assert.deepEqual([out.longestFunction.worker.name, out.longestFunction.worker.lines], ['settle', 4]);
});

test('a status write in packages/db counts for the modules that can call it', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'dp-arch-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const writers = () => (JSON.parse(execFileSync(process.execPath, [script, '--json', '--root', root], { encoding: 'utf8' })).runStatusWriters as string[]).sort();
  put('prisma/schema.prisma', 'model Run {\n  id String @id\n}\n');
  put('packages/experiment/src/runner.ts', 'export function runExperiment() {}\n');
  put('apps/worker/src/main.ts', 'export const main = 1;\n');
  put('packages/db/package.json', JSON.stringify({ exports: { '.': './src/index.ts', './run-lifecycle': './src/run-lifecycle.ts' } }));
  put('packages/db/src/index.ts', "export * from './reads.js';\n");
  put('packages/db/src/reads.ts', 'export const r = (db: any) => db.run.findMany({});\n');
  put('packages/db/src/run-lifecycle.ts', "export function writeRunStatus(db: any) {\n  return db.run.updateManyAndReturn({ where: { status: 'running' }, data: { status: 'failed' } });\n}\nexport function insertRuns(db: any) {\n  return db.run.createMany({ data: [] });\n}\n");
  put('packages/runs/src/run-status.ts', "import { writeRunStatus } from '@driftprune/db/run-lifecycle';\nexport const fail = (db: any) => writeRunStatus(db);\n");
  // importing another function of the entry point, a type-only import, or a test does not make a writer
  put('packages/runs/src/lifecycle.ts', "import { insertRuns } from '@driftprune/db/run-lifecycle';\nimport type { writeRunStatus } from '@driftprune/db/run-lifecycle';\nexport const s = (db: any) => insertRuns(db);\nexport type W = typeof writeRunStatus;\n");
  put('packages/runs/src/run-status.int.test.ts', "import { writeRunStatus } from '@driftprune/db/run-lifecycle';\nexport const x = writeRunStatus;\n");
  assert.deepEqual(writers(), ['packages/runs/src/run-status.ts']);
  // a second module importing the write is a second writer
  put('apps/worker/src/settle.ts', "import { writeRunStatus as write } from '@driftprune/db/run-lifecycle';\nexport const settle = (db: any) => write(db);\n");
  assert.deepEqual(writers(), ['apps/worker/src/settle.ts', 'packages/runs/src/run-status.ts']);
  rmSync(join(root, 'apps/worker/src/settle.ts'));
  // reachable from the index: any importer of @driftprune/db can write, so the db module itself counts
  put('packages/db/src/reads.ts', "export * from './run-lifecycle.js';\n");
  assert.deepEqual(writers(), ['packages/db/src/run-lifecycle.ts']);
  // an entry point nobody imports counts the db module too
  put('packages/db/src/reads.ts', 'export const r = 1;\n');
  rmSync(join(root, 'packages/runs/src/run-status.ts'));
  assert.deepEqual(writers(), ['packages/db/src/run-lifecycle.ts']);
});
