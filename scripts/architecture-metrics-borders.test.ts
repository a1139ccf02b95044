// The ESLint border that keeps the "Prisma calls outside packages/db" metric at 0 for apps: a delegate call, raw SQL,
// a transaction or an import of the Prisma client in an app fails lint; the same code in an app's test, in
// packages/db, or a Map's delete in an app does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });
const DATA_ACCESS = /apps do not query the database/;

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages.filter((m) => DATA_ACCESS.test(m.message)).map((m) => `${m.line}:${m.ruleId}`);
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

test('the same code in an app test or in packages/db, and non-Prisma calls in an app, pass', async () => {
  assert.deepEqual(await problems('apps/api/src/leak.int.test.ts', OFFENCES), []);
  assert.deepEqual(await problems('packages/db/src/repositories/leak.ts', OFFENCES), []);
  assert.deepEqual(await problems('apps/api/src/cache.ts', 'export const e = (m: Map<string, number>, s: Set<string>) => [m.delete("k"), s.delete("x")];'), []);
});
