import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTiny, tinyConfig } from '../test-support.js';

test('d2s_ramp: the first model ramps while serving; later ones ramp beside the serving model and take over at the end', async () => {
  // 6 windows of 6 steps; ramps of 8 steps (pruned every 2): the first from window 1 on, new ones after windows 2 and 4.
  const { refreshes, metrics, summary } = await runTiny(tinyConfig({ kind: 'd2s_ramp', r: 2, rampSteps: 8, everySteps: 2 }));
  const first = refreshes.filter((r) => r.trigger === 'ramp');
  assert.ok(first.length >= 3 && first.every((r) => r.window === 1 || r.window === 2), JSON.stringify(refreshes.map((r) => [r.window, r.trigger])));
  for (let i = 1; i < first.length; i++) assert.ok(first[i].flopsRatio <= first[i - 1].flopsRatio);
  const takeovers = refreshes.filter((r) => r.trigger === 'ramp_end');
  // The ramp started after window 2 ends in window 4 (8 steps = 1⅓ windows) and serves from window 5.
  assert.deepEqual(takeovers.map((r) => r.window), [4]);
  for (const r of takeovers) assert.ok(Math.abs(r.flopsRatio - first.at(-1)!.flopsRatio) < 0.05, 'on the budget when it takes over');
  const serving = metrics.filter((m) => m.model === 'serving');
  assert.equal(serving[0].sparsity, 0, 'the first serving model is the dense copy, ramping');
  assert.ok(Math.abs(serving.at(-1)!.sparsity - 0.6) < 0.03);
  // Serving FLOPs averaged over the windows served are above the final model's: the first ramp served denser.
  assert.ok(summary.meanServingFlopsRatio! > summary.servingFlopsRatio);
});
