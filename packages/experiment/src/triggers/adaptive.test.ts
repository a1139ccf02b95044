import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptiveTrigger } from './adaptive.js';
import { paradigmConfig, signals } from './test-support.js';

test('adaptive_d2s fires on ΔNE or Jaccard only within [rMin, rMax], and always at rMax', async () => {
  const p = paradigmConfig({ kind: 'adaptive_d2s', tau: 1, jaccardBound: 0.7, rMin: 2, rMax: 5, requireGrowingGap: false });
  assert.equal(await adaptiveTrigger(p, signals({ sinceRefresh: 1, deltaNEPct: 9, jaccard: 0 })), null);
  assert.equal(await adaptiveTrigger(p, signals({ sinceRefresh: 2, deltaNEPct: 1.5, jaccard: 1 })), 'delta_ne');
  assert.equal(await adaptiveTrigger(p, signals({ sinceRefresh: 2, deltaNEPct: 0.5, jaccard: 0.6 })), 'jaccard');
  assert.equal(await adaptiveTrigger(p, signals({ sinceRefresh: 4, deltaNEPct: 0.5, jaccard: 0.8 })), null);
  assert.equal(await adaptiveTrigger(p, signals({ sinceRefresh: 5, deltaNEPct: 0, jaccard: 1 })), 'r_max');
  assert.equal(await adaptiveTrigger(p, signals({ sinceRefresh: 3, deltaNEPct: NaN, jaccard: NaN })), null);
});

test('adaptive_d2s asks for the Jaccard index (a prune of the dense model) only when it could decide', async () => {
  const p = paradigmConfig({ kind: 'adaptive_d2s', tau: 1, jaccardBound: 0.7, rMin: 2, rMax: 5, requireGrowingGap: false });
  const calls = async (s: Parameters<typeof signals>[0]) => {
    const x = signals({ ...s, jaccard: 0.9 });
    await adaptiveTrigger(p, x);
    return x.jaccardCalls;
  };
  assert.equal(await calls({ sinceRefresh: 1, deltaNEPct: 0 }), 0, 'before rMin');
  assert.equal(await calls({ sinceRefresh: 5, deltaNEPct: 0 }), 0, 'at rMax');
  assert.equal(await calls({ sinceRefresh: 3, deltaNEPct: 2 }), 0, 'the gap fired first');
  assert.equal(await calls({ sinceRefresh: 3, deltaNEPct: 0 }), 1);
});
