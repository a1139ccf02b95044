// The metrics script counts what it should on a small tree: an app importing another app, a status write, delegate
// calls and raw SQL in an app (but not in its tests, nor a Map's delete), and the longest function.
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
