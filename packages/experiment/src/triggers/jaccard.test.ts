import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jaccardTrigger } from './jaccard.js';
import { signals } from './test-support.js';

test('jaccard fires when the dense model’s mask has drifted below the bound', async () => {
  const t = jaccardTrigger({ bound: 0.7 });
  assert.equal(t.name, 'jaccard');
  assert.equal(await t.fires(signals({ sinceRefresh: 2, deltaNEPct: 0, jaccard: 0.6 })), true);
  assert.equal(await t.fires(signals({ sinceRefresh: 2, deltaNEPct: 0, jaccard: 0.7 })), false);
  assert.equal(await t.fires(signals({ sinceRefresh: 2, deltaNEPct: 0, jaccard: NaN })), false);
});
