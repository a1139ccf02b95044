import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDatasetStats } from './datasets.js';

test('reads StreamStats and fills totals from windows when absent', () => {
  const s = readDatasetStats({
    windows: [
      { index: 0, id: 'rows-0', rows: 100, badRows: 1, labelRate: 0.2, newIdRowShare: 1, psi: null, densePsi: null },
      { index: 1, id: 'rows-1', rows: 120, badRows: 0, labelRate: 0.25, newIdRowShare: 0.1, psi: 0.03, densePsi: 0.01 },
    ],
  });
  assert.ok(s);
  assert.deepEqual(s.totals, { windows: 2, rows: 220, labelRate: null, badRows: 1 });
  assert.equal(s.windows[1].psi, 0.03);
  assert.equal(s.windows[0].psi, null);
});

test('no stats, or not an object, is null; odd values become null', () => {
  assert.equal(readDatasetStats(null), null);
  assert.equal(readDatasetStats('x'), null);
  assert.equal(readDatasetStats({ windows: [{ rows: 'many', psi: 'high' }] })!.windows[0].psi, null);
});
