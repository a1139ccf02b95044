// The ESLint borders behind two metrics. "Prisma calls outside packages/db" at 0: a delegate call, raw SQL, a
// transaction or an import of the Prisma client in an app or a package other than packages/db fails lint; the same
// code in a test, in packages/db, or a Map's delete does not. "Writers of Run.status" at 1: the storage half of a
// run's life (@driftprune/db/run-lifecycle) is imported by packages/runs only, and its writeRunStatus by run-status.ts
// only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });
const DATA_ACCESS = /only packages\/db queries the database/;
const LIFECYCLE = /only packages\/runs(\/src\/run-status\.ts)? writes/;

async function problems(filePath: string, code: string, message = DATA_ACCESS): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages.filter((m) => message.test(m.message)).map((m) => `${m.line}:${m.ruleId}`);
}

const OFFENCES = [
  "import { PrismaClient } from '@prisma/client';",
  "import { Prisma } from '../../../packages/db/generated/prisma/client.js';",
  'export const a = (db: any) => db.run.findMany({});',
  'export const b = (ctx: any) => ctx.db.projectInvitation.update({});',
  'export const c = (db: any) => db.$queryRaw`SELECT 1`;',
  'export const d = (db: any) => db.$transaction(async (tx: any) => tx.membership.delete({}));',
].join('\n');

test('data access in an app outside its tests fails lint, line by line', async () => {
  assert.deepEqual(await problems('apps/worker/src/leak.ts', OFFENCES), [
    '1:no-restricted-imports',
    '2:no-restricted-imports',
    '3:no-restricted-syntax',
    '4:no-restricted-syntax',
    '5:no-restricted-syntax',
    '6:no-restricted-syntax',
    '6:no-restricted-syntax',
  ]);
  assert.equal((await problems('apps/api/src/resolvers/leak.ts', OFFENCES)).length, 7);
});

test('data access in a package other than packages/db, outside its tests, fails lint', async () => {
  assert.equal((await problems('packages/runs/src/leak.ts', OFFENCES)).length, 7);
  assert.equal((await problems('packages/runs/src/run-status.ts', OFFENCES)).length, 7);
  assert.equal((await problems('packages/experiment/src/leak.ts', OFFENCES)).length, 7);
});

test('the same code in an app or package test or in packages/db, and non-Prisma calls in an app, pass', async () => {
  assert.deepEqual(await problems('apps/api/src/leak.int.test.ts', OFFENCES), []);
  assert.deepEqual(await problems('packages/runs/src/leak.int.test.ts', OFFENCES), []);
  assert.deepEqual(await problems('packages/db/src/repositories/leak.ts', OFFENCES), []);
  assert.deepEqual(await problems('apps/api/src/cache.ts', 'export const e = (m: Map<string, number>, s: Set<string>) => [m.delete("k"), s.delete("x")];'), []);
});

const WRITE_STATUS = "import { writeRunStatus } from '@driftprune/db/run-lifecycle';\nexport const w = writeRunStatus;\n";
const OTHER_LIFECYCLE = "import { insertQueuedRuns, withSweepLock } from '@driftprune/db/run-lifecycle';\nexport const i = [insertQueuedRuns, withSweepLock];\n";

test('the storage half of a run\'s life is imported by packages/runs only, writeRunStatus by run-status.ts only', async () => {
  for (const file of ['apps/api/src/leak.ts', 'apps/worker/src/leak.ts', 'packages/experiment/src/leak.ts', 'system-tests/leak.int.test.ts', 'apps/api/src/leak.int.test.ts']) {
    assert.deepEqual(await problems(file, OTHER_LIFECYCLE, LIFECYCLE), ['1:no-restricted-imports'], file);
    assert.deepEqual(await problems(file, WRITE_STATUS, LIFECYCLE), ['1:no-restricted-imports'], file);
  }
  assert.deepEqual(await problems('packages/runs/src/lifecycle.ts', OTHER_LIFECYCLE, LIFECYCLE), []);
  assert.deepEqual(await problems('packages/runs/src/lifecycle.ts', WRITE_STATUS, LIFECYCLE), ['1:no-restricted-imports']);
  assert.deepEqual(await problems('packages/runs/src/lifecycle.int.test.ts', WRITE_STATUS, LIFECYCLE), ['1:no-restricted-imports']);
  assert.deepEqual(await problems('packages/runs/src/run-status.ts', WRITE_STATUS, LIFECYCLE), []);
});
