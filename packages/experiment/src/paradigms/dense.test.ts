import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeFlops } from '@driftprune/pruning';
import { resolveShape } from '@driftprune/engine';
import { runTiny, tinyConfig, trainFlops } from '../test-support.js';

test('dense: no refresh, ΔNE 0, every window of the dense model counts as training compute', async () => {
  const config = tinyConfig({ kind: 'dense' });
  const { summary, refreshes, metrics } = await runTiny(config);
  assert.equal(refreshes.length, 0);
  assert.equal(summary.meanDeltaNEPct, 0);
  assert.ok(metrics.every((m) => m.model === 'dense' && m.sparsity === 0));
  const shape = resolveShape(config.model, { numDense: 4, tableSizes: Array(5).fill(200) });
  assert.equal(summary.trainingFlops, trainFlops(shapeFlops(shape), 6 * 600));
});
