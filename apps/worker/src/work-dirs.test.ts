import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeEmptyDirs } from './work-dirs.js';
import { isConnectionLost } from './db-retry.js';

test('removeEmptyDirs removes folders without files, deepest first, and keeps any folder that holds a file', async () => {
  const root = await mkdtemp(join(tmpdir(), 'dp-workdirs-'));
  try {
    await mkdir(join(root, 'empty', 'checkpoint', 'deeper'), { recursive: true });
    await mkdir(join(root, 'kept', 'checkpoint'), { recursive: true });
    await mkdir(join(root, 'kept', 'nothing'), { recursive: true });
    await writeFile(join(root, 'kept', 'checkpoint', 'state.json'), '{}');
    assert.equal(await removeEmptyDirs(join(root, 'empty')), true);
    assert.ok(!existsSync(join(root, 'empty')));
    assert.equal(await removeEmptyDirs(join(root, 'kept')), false);
    assert.ok(existsSync(join(root, 'kept', 'checkpoint', 'state.json')));
    assert.ok(!existsSync(join(root, 'kept', 'nothing')));
    assert.equal(await removeEmptyDirs(join(root, 'missing')), true);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('isConnectionLost: a server gone away is, a wrong write is not (causes included)', () => {
  assert.ok(isConnectionLost(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })));
  assert.ok(isConnectionLost(new Error('x', { cause: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }) })));
  assert.ok(isConnectionLost(new Error('Connection terminated unexpectedly')));
  assert.ok(!isConnectionLost(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' })));
  assert.ok(!isConnectionLost(new Error('Record to update not found.')));
});
