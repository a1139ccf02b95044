import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paradigmConfig } from '../triggers/test-support.js';
import { runTiny, tinyConfig } from '../test-support.js';
import { gradualPruneNow, gradualTarget } from './gradual.js';

test('gradual ramps by the cubic schedule over rampWindows after warm-up', () => {
  const p = paradigmConfig({ kind: 'gradual', warmupWindows: 2, rampWindows: 4, everySteps: 10 });
  assert.equal(gradualTarget(p, 0.8, 1, 5, 10), 0);
  assert.equal(gradualTarget(p, 0.8, 2, 0, 10), 0);
  assert.ok(Math.abs(gradualTarget(p, 0.8, 4, 0, 10) - 0.8 * (1 - 0.125)) < 1e-12);
  assert.equal(gradualTarget(p, 0.8, 6, 0, 10), 0.8);
  assert.equal(gradualPruneNow(p, 2, 10), true);
  assert.equal(gradualPruneNow(p, 2, 5), false);
  assert.equal(gradualPruneNow(p, 6, 10), false);
});

test('gradual: a copy of dense at warm-up end, pruned along the ramp, on the budget at its end', async () => {
  const { refreshes, metrics } = await runTiny(tinyConfig({ kind: 'gradual', rampWindows: 2, everySteps: 2 }));
  assert.ok(refreshes.every((r) => r.trigger === 'ramp'));
  // Windows 1 and 2 ramp (3 prunes each at steps 2, 4, 6 of 6), then once more after window 2 to land on the budget.
  assert.ok(refreshes.length >= 4 && refreshes.every((r) => r.window === 1 || r.window === 2), JSON.stringify(refreshes.map((r) => r.window)));
  const ratios = refreshes.map((r) => r.flopsRatio);
  // Whole neurons: two close targets may give the same widths, never wider ones.
  for (let i = 1; i < ratios.length; i++) assert.ok(ratios[i] <= ratios[i - 1], `FLOPs never rise along the ramp: ${ratios.join(', ')}`);
  assert.ok(ratios.at(-1)! < ratios[0]);
  const serving = metrics.filter((m) => m.model === 'serving');
  assert.equal(serving[0].window, 1);
  assert.equal(serving[0].sparsity, 0, 'the first serving model is the dense copy');
  assert.ok(Math.abs(serving.at(-1)!.sparsity - 0.6) < 0.02, `sparsity ${serving.at(-1)!.sparsity}`);
});
