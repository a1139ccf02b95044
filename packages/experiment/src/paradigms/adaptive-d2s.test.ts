import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTiny, tinyConfig } from '../test-support.js';

test('adaptive_d2s: refreshes come from its triggers within [rMin, rMax]', async () => {
  // A gap that never fires and a Jaccard bound no mask can be under: only rMax refreshes.
  const rMaxOnly = await runTiny(tinyConfig({ kind: 'adaptive_d2s', rMin: 1, rMax: 2, tau: 1000, jaccardBound: 0 }));
  assert.deepEqual(rMaxOnly.refreshes.map((r) => [r.window, r.trigger]), [[0, 'warmup_end'], [2, 'r_max'], [4, 'r_max']]);
  // Jaccard bound 1: it fires whenever the dense model's mask is no longer the serving one, and the refresh's mask
  // is that candidate (its Jaccard to the previous mask is below 1).
  const jaccard = await runTiny(tinyConfig({ kind: 'adaptive_d2s', rMin: 1, rMax: 8, tau: 1000, jaccardBound: 1 }));
  const later = jaccard.refreshes.slice(1);
  assert.ok(later.length >= 3, `refreshes after warm-up: ${later.length}`);
  for (const r of later) {
    assert.equal(r.trigger, 'jaccard');
    assert.ok(r.jaccard < 1, `jaccard ${r.jaccard}`);
  }
});
