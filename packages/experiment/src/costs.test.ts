import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costSummary } from './costs.js';
import { runTiny, tinyConfig } from './test-support.js';
import type { ServingEval, WindowMetric } from './types.js';

const metric = (window: number, model: 'dense' | 'serving', flops: number): WindowMetric => ({ window, windowId: `w${window}`, model, rows: 10, ne: 0.9, logLoss: 0.5, auc: 0.7, calibration: 1, sparsity: 0, flops, params: 1, warmup: window === 0 });
const timing = (window: number, model: 'dense' | 'serving', p50Ms: number): ServingEval => ({ window, model, batchSize: 64, p50Ms, p99Ms: p50Ms, samplesPerSec: 1, parityMaxAbsDiff: 0 });

test('serving FLOPs and speed-up are averaged over the windows served, not taken from the final model', () => {
  const cfg = tinyConfig({ kind: 'd2s', r: 1 });
  const metrics = [metric(0, 'dense', 100), metric(1, 'dense', 100), metric(1, 'serving', 50), metric(2, 'dense', 100), metric(2, 'serving', 50), metric(3, 'dense', 100), metric(3, 'serving', 25)];
  // Timed at window 1 (2× faster) and at window 3 (4×): windows 1 and 2 served by the first, 3 by the second.
  const serving = [timing(1, 'dense', 2), timing(1, 'serving', 1), timing(3, 'dense', 4), timing(3, 'serving', 1)];
  const c = costSummary(cfg, { metrics, serving, trainingFlops: 1000, embeddingTrainingFlops: 250, peakModelBytes: 4096, refreshWallSec: 1.5 });
  assert.ok(Math.abs(c.meanServingFlopsRatio! - (0.5 + 0.5 + 0.25) / 3) < 1e-12);
  assert.ok(Math.abs(c.meanServingSpeedup! - (2 + 2 + 4) / 3) < 1e-12);
  assert.deepEqual([c.totalTrainingFlops, c.embeddingTrainingFlops, c.peakModelBytes, c.refreshWallSec], [1250, 250, 4096, 1.5]);
  // Before a serving model exists the dense model serves: ratio 1 for that window.
  const early = costSummary(cfg, { metrics: [metric(1, 'dense', 100), metric(2, 'dense', 100), metric(2, 'serving', 50)], serving: [], trainingFlops: 0 });
  assert.equal(early.meanServingFlopsRatio, 0.75);
  assert.equal(early.meanServingSpeedup, null);
});

test('a run counts its embedding updates, its peak memory and the time of its refreshes', async () => {
  const once = await runTiny(tinyConfig({ kind: 'prune_once' }));
  const shadow = await runTiny(tinyConfig({ kind: 'd2s', r: 2, refresh: { shadowWindows: 1 } }));
  // prune_once: the dense model's warm-up window and the sparse model's 5 windows update embedding rows; F = 5
  // fields × D = 4 values, each accumulated and updated by Adagrad (1 + 6 FLOPs).
  assert.equal(once.summary.embeddingTrainingFlops, 5 * 4 * 7 * 6 * 600);
  assert.equal(once.summary.totalTrainingFlops, once.summary.trainingFlops + once.summary.embeddingTrainingFlops!);
  // Memory: dense + serving (parameters and tables, an Adagrad slot each, Taylor scores); d2s with a shadow holds a third model.
  assert.ok(once.summary.peakModelBytes! > 0 && shadow.summary.peakModelBytes! > once.summary.peakModelBytes!, JSON.stringify([once.summary.peakModelBytes, shadow.summary.peakModelBytes]));
  assert.ok(once.summary.refreshWallSec! > 0 && once.summary.refreshWallSec! < once.summary.wallSec);
  assert.ok(Math.abs(once.summary.meanServingFlopsRatio! - once.summary.servingFlopsRatio) < 1e-12, 'one mask all run long');
});
