import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes } from './format-bytes.js';

test('formatBytes: binary units, a dash for nothing', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(5 * 1024 ** 2), '5.0 MiB');
  assert.equal(formatBytes(3 * 1024 ** 3), '3.00 GiB');
  assert.equal(formatBytes(null), '—');
});
