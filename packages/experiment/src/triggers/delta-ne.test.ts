import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaNETrigger } from './delta-ne.js';
import { signals } from './test-support.js';

test('delta_ne fires when the gap exceeds tau; never on an unknown gap', () => {
  const t = deltaNETrigger({ tau: 1, requireGrowingGap: false });
  assert.equal(t.name, 'delta_ne');
  assert.equal(t.fires(signals({ sinceRefresh: 2, deltaNEPct: 1.5 })), true);
  assert.equal(t.fires(signals({ sinceRefresh: 2, deltaNEPct: 1 })), false);
  assert.equal(t.fires(signals({ sinceRefresh: 2, deltaNEPct: NaN })), false);
});

test('delta_ne with requireGrowingGap ignores a shrinking gap (the pruning shock being recovered)', () => {
  const t = deltaNETrigger({ tau: 1, requireGrowingGap: true });
  // First window after a refresh: no earlier gap of this model, so the shock alone never fires.
  assert.equal(t.fires(signals({ sinceRefresh: 1, deltaNEPct: 12 })), false);
  assert.equal(t.fires(signals({ sinceRefresh: 2, deltaNEPct: 4, prevDeltaNEPct: 12 })), false);
  assert.equal(t.fires(signals({ sinceRefresh: 3, deltaNEPct: 2, prevDeltaNEPct: 0.5 })), true);
  assert.equal(t.fires(signals({ sinceRefresh: 3, deltaNEPct: 0.8, prevDeltaNEPct: 0.5 })), false);
});
