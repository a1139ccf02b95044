import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTiny, tinyConfig } from '../test-support.js';

test('sparse_regrow: every r windows neurons move, the budget stays, probes count as training compute', async () => {
  const { refreshes, metrics, summary } = await runTiny(tinyConfig({ kind: 'sparse_regrow', r: 2, regrowFraction: 0.25 }));
  assert.deepEqual(refreshes.map((r) => [r.window, r.trigger]), [[0, 'warmup_end'], [2, 'regrow'], [4, 'regrow']]);
  for (const r of refreshes.slice(1)) {
    assert.deepEqual(r.widths, refreshes[0].widths, 'same widths: as many neurons regrown as dropped');
    assert.ok(r.jaccard < 1, `some neurons moved (Jaccard ${r.jaccard})`);
  }
  const serving = metrics.filter((m) => m.model === 'serving');
  assert.equal(new Set(serving.map((m) => m.flops)).size, 1);
  assert.ok(summary.trainingFlops > 0);
});
