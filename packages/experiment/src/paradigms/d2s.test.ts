import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTiny, tinyConfig, trainFlops } from '../test-support.js';

test('d2s: a new sparse model at warm-up end and every r windows; the dense model is part of its cost', async () => {
  const { summary, refreshes, metrics } = await runTiny(tinyConfig({ kind: 'd2s', r: 2 }));
  assert.deepEqual(refreshes.map((r) => [r.window, r.trigger]), [[0, 'warmup_end'], [2, 'schedule'], [4, 'schedule']]);
  const dense = metrics.find((m) => m.model === 'dense')!;
  const servingRows = metrics.filter((m) => m.model === 'serving').reduce((a, m) => a + trainFlops(m.flops, m.rows), 0);
  assert.ok(Math.abs(summary.trainingFlops - (trainFlops(dense.flops, 6 * 600) + servingRows)) < 1e-6 * summary.trainingFlops);
});

test('d2s: refresh options — from scratch and fine-tuned, each refresh costs its fine-tune steps', async () => {
  const plain = await runTiny(tinyConfig({ kind: 'd2s', r: 1, refresh: { warmStart: false } }));
  const tuned = await runTiny(tinyConfig({ kind: 'd2s', r: 1, refresh: { warmStart: false, fineTuneSteps: 2 } }));
  assert.equal(plain.refreshes.length, tuned.refreshes.length);
  assert.ok(tuned.summary.trainingFlops > plain.summary.trainingFlops);
});
