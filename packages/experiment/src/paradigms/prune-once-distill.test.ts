import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTiny, tinyConfig, trainFlops } from '../test-support.js';

test('prune_once_distill: the sparse model learns from the co-trained dense model; it pays for dense training and the teacher', async () => {
  const once = await runTiny(tinyConfig({ kind: 'prune_once' }));
  const labelsOnly = await runTiny(tinyConfig({ kind: 'prune_once_distill', distillWeight: 0 }));
  const distilled = await runTiny(tinyConfig({ kind: 'prune_once_distill' }));
  const serving = (r: typeof once) => r.metrics.filter((m) => m.model === 'serving');
  // Weight 0 is prune_once's training exactly (the targets are the labels), only its cost differs.
  assert.deepEqual(serving(labelsOnly), serving(once));
  assert.notDeepEqual(serving(distilled).map((m) => m.ne), serving(once).map((m) => m.ne));
  assert.deepEqual(distilled.refreshes.map((r) => r.trigger), ['warmup_end']);
  // Dense trains every window (6 × 600 rows); the sparse model 5 windows; the teacher's forward pass per sparse row.
  const dense = distilled.metrics.find((m) => m.model === 'dense')!;
  const expected = trainFlops(dense.flops, 3600) + serving(distilled).reduce((a, m) => a + trainFlops(m.flops, m.rows), 0) + dense.flops * 3000;
  assert.ok(Math.abs(distilled.summary.trainingFlops - expected) < 1e-6 * expected, `${distilled.summary.trainingFlops} vs ${expected}`);
  assert.ok(distilled.summary.trainingFlops > once.summary.trainingFlops);
});
