import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createTrainer } from '@driftprune/engine';
import { smallShape } from '@driftprune/pruning/testing';
import { runExperiment } from '../runner.js';
import { runTiny, tinyConfig, tmp } from '../test-support.js';

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

test('sparse_regrow: regrown neurons start from the initial Adagrad accumulator, as fresh weights do', async () => {
  // With an accumulator of 0 a regrown weight's first update is ±lr whatever its gradient: float noise became whole
  // steps (docs/performance.md, sparse_regrow on the H100). Started at initialAccumulator, no accumulator is below it.
  const init = 0.1;
  const config = tinyConfig({ kind: 'sparse_regrow', r: 1, regrowFraction: 0.25 }, { optimizer: { kind: 'adagrad', lr: 0.05, initialAccumulator: init }, checkpoint: { everyWindows: 1 } });
  const dir = await tmp();
  try {
    await runExperiment({ config, outDir: dir, maxWindows: 3 });
    const refreshes = (await readFile(join(dir, 'refreshes.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { trigger: string });
    assert.deepEqual(refreshes.map((r) => r.trigger), ['warmup_end', 'regrow', 'regrow']);
    const serving = createTrainer({ shape: smallShape([16], [32, 16]), optimizer: { kind: 'adagrad', lr: 0.05 }, threads: 1 });
    try {
      serving.loadCheckpoint(join(dir, 'checkpoint', 'serving.ckpt'));
      const state = serving.getOptimizerState();
      for (const [name, l] of Object.entries(state.layers))
        for (const a of [...l.W[0], ...l.b[0]]) assert.ok(a >= Math.fround(init), `${name}: accumulator ${a} < initialAccumulator ${init}`);
    } finally {
      serving.dispose();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
