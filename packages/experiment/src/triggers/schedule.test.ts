import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWarmupEnd, periodicDue } from './schedule.js';
import { paradigmConfig } from './test-support.js';

test('d2s refreshes at the end of warm-up and then every r windows', () => {
  const p = paradigmConfig({ kind: 'd2s', r: 2, warmupWindows: 2 });
  const due = Array.from({ length: 8 }, (_, t) => (isWarmupEnd(p, t) ? 'w' : periodicDue(p, t) ? 'r' : '.')).join('');
  assert.equal(due, '.w.r.r.r');
  const p1 = paradigmConfig({ kind: 'd2s', r: 1, warmupWindows: 1 });
  assert.equal(Array.from({ length: 4 }, (_, t) => (isWarmupEnd(p1, t) ? 'w' : periodicDue(p1, t) ? 'r' : '.')).join(''), 'wrrr');
  // No warm-up: the first sparse model comes after window 0.
  assert.equal(isWarmupEnd(paradigmConfig({ kind: 'prune_once', warmupWindows: 0 }), 0), true);
  assert.equal(periodicDue(paradigmConfig({ kind: 'prune_once' }), 3), false);
  assert.equal(isWarmupEnd(paradigmConfig({ kind: 'dense' }), 1), false);
  const regrow = paradigmConfig({ kind: 'sparse_regrow', r: 3, warmupWindows: 1 });
  assert.equal(Array.from({ length: 8 }, (_, t) => (periodicDue(regrow, t) ? 'r' : '.')).join(''), '...r..r.');
});
