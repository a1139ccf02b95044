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

test('prune_once with the learned allocation: gates trained on the warm-up end window, their passes counted as training', async () => {
  const pruning = (allocation: string) => ({ pruning: { budget: 0.6, criterion: 'taylor', allocation, minWidth: 2, learned: { steps: 12 } } });
  const greedy = await runTiny(tinyConfig({ kind: 'prune_once' }, pruning('greedy')));
  const learned = await runTiny(tinyConfig({ kind: 'prune_once' }, pruning('learned')));
  const dense = learned.metrics.find((m) => m.model === 'dense')!;
  // 12 gate steps of 100 rows, each one forward and backward pass of the dense model.
  const gateFlops = trainFlops(dense.flops, 1200);
  const servingFlops = (r: typeof learned) => r.metrics.filter((m) => m.model === 'serving').reduce((a, m) => a + trainFlops(m.flops, m.rows), 0);
  const expected = trainFlops(dense.flops, 600) + servingFlops(learned) + gateFlops;
  assert.ok(Math.abs(learned.summary.trainingFlops - expected) < 1e-6 * expected, `${learned.summary.trainingFlops} vs ${expected}`);
  assert.ok(Math.abs(learned.refreshes[0].flopsRatio - greedy.refreshes[0].flopsRatio) < 0.05, 'both on the budget');
  assert.notDeepEqual(learned.refreshes[0].widths, greedy.refreshes[0].widths);
});
