// The committed resolver types must match schema.graphql: regenerate in memory and compare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen.js';

test('src/resolvers-types.ts is up to date with src/schema.graphql (else: npm run codegen -w @driftprune/api)', async () => {
  const root = join(import.meta.dirname, '..');
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const outputs = (await generate({ ...config, silent: true }, false)) as { filename: string; content: string }[];
    const out = outputs.find((o) => o.filename.endsWith('resolvers-types.ts'))!;
    assert.equal(out.content, await readFile(join(root, 'src/resolvers-types.ts'), 'utf8'));
  } finally {
    process.chdir(cwd);
  }
});
