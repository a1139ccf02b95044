import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driftTrigger } from './drift.js';
import { signals } from './test-support.js';

test('drift fires when the dense model’s NE rises above its mean since the last refresh by more than pct', () => {
  const t = driftTrigger({ pct: 2 });
  assert.equal(t.name, 'drift');
  assert.equal(t.fires(signals({ sinceRefresh: 3, deltaNEPct: 0, denseNERisePct: 2.5 })), true);
  assert.equal(t.fires(signals({ sinceRefresh: 3, deltaNEPct: 0, denseNERisePct: 1 })), false);
  assert.equal(t.fires(signals({ sinceRefresh: 3, deltaNEPct: 0 })), false, 'unknown: no refresh');
});
