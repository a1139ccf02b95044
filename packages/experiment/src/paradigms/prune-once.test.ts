import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTiny, tinyConfig, trainFlops } from '../test-support.js';

test('prune_once: one sparse model at warm-up end, trained with its mask fixed; the dense reference is not its cost', async () => {
  const { summary, refreshes, metrics } = await runTiny(tinyConfig({ kind: 'prune_once', warmupWindows: 2 }));
  assert.deepEqual(refreshes.map((r) => [r.window, r.trigger]), [[1, 'warmup_end']]);
  const serving = metrics.filter((m) => m.model === 'serving');
  assert.deepEqual(serving.map((m) => m.window), [2, 3, 4, 5]);
  // The mask never changes: every serving window has the same cost.
  assert.equal(new Set(serving.map((m) => m.flops)).size, 1);
  const dense = metrics.find((m) => m.model === 'dense')!;
  // Dense trains for the 2 warm-up windows, the sparse model for the other 4.
  assert.ok(Math.abs(summary.trainingFlops - (trainFlops(dense.flops, 2 * 600) + trainFlops(serving[0].flops, 4 * 600))) < 1e-6 * summary.trainingFlops);
  assert.ok(Math.abs(serving[0].sparsity - 0.6) < 0.02, `sparsity ${serving[0].sparsity}`);
});
