// Fine-tuning after a refresh, on the real engine and the real synthetic stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStream } from '@driftprune/data';
import { createTrainer, resolveShape } from '@driftprune/engine';
import { runTiny, tinyConfig } from '../test-support.js';
import { fineTune } from './fine-tune.js';
import type { RunSummary } from '../types.js';

function d2sConfig(refresh: Record<string, unknown>) {
  return tinyConfig({ kind: 'd2s', r: 1, refresh }, { pruning: { budget: 0.75, criterion: 'taylor', allocation: 'greedy', minWidth: 2 }, checkpoint: { everyWindows: 0 } });
}

async function run(refresh: Record<string, unknown>): Promise<RunSummary> {
  return (await runTiny(d2sConfig(refresh))).summary;
}

test('d2s: fine-tuning every refresh (distilled from dense, the default) does not widen the gap; on the labels it does', async () => {
  // 20 steps = 3⅓ passes over a 6-batch window, after the dense weights the model starts from have seen it once.
  const none = await run({ fineTuneSteps: 0 });
  const distilled = await run({ fineTuneSteps: 20 });
  const labels = await run({ fineTuneSteps: 20, fineTuneTarget: 'labels' });
  const fmt = (s: RunSummary) => `mean ${s.meanDeltaNEPct.toFixed(3)} %, max ${s.maxDeltaNEPct.toFixed(3)} %`;
  const detail = `no fine-tune: ${fmt(none)}; distilled: ${fmt(distilled)}; labels: ${fmt(labels)}`;
  assert.ok(distilled.meanDeltaNEPct <= none.meanDeltaNEPct + 0.25, `distilled fine-tuning widened the mean gap: ${detail}`);
  assert.ok(distilled.maxDeltaNEPct <= none.maxDeltaNEPct + 0.5, `distilled fine-tuning widened the worst window: ${detail}`);
  // The defect this guards against: a second pass over the labels memorises the window.
  assert.ok(labels.meanDeltaNEPct > distilled.meanDeltaNEPct + 2, `fine-tuning on labels should overfit on this stream: ${detail}`);
  // Distillation costs the sparse model's training plus one dense forward pass per row.
  assert.ok(distilled.trainingFlops > labels.trainingFlops, detail);
});

test('fineTune cycles over the window until it has taken its steps, and distils only with a teacher', async () => {
  const config = d2sConfig({});
  const stream = await openStream(config.data, { seed: 3 });
  const shape = resolveShape(config.model, { numDense: stream.schema.denseNames.length, tableSizes: stream.schema.tableSizes });
  const it = stream.windows()[Symbol.asyncIterator]();
  const win = (await it.next()).value!;
  await it.return?.();
  const model = createTrainer({ shape, seed: 1, optimizer: config.optimizer, threads: 1 });
  const teacher = createTrainer({ shape, seed: 2, optimizer: config.optimizer, threads: 1 });
  try {
    await assert.rejects(fineTune(model, () => win.batches({ batchSize: 100 }), { steps: 1, target: 'dense' }), /teacher/);
    const r = await fineTune(model, () => win.batches({ batchSize: 100 }), { steps: 14, target: 'dense', teacher });
    assert.deepEqual(r, { steps: 14, rows: 1400 });
    assert.equal(model.step, 14);
    assert.equal(teacher.step, 0, 'the teacher only predicts');
    // Trained towards the teacher: the two models now agree more than they did at initialisation.
    const fresh = createTrainer({ shape, seed: 1, optimizer: config.optimizer, threads: 1 });
    let before = 0;
    let after = 0;
    for await (const b of win.batches({ batchSize: 100 })) {
      const t = teacher.predict(b);
      const f = fresh.predict(b);
      const m = model.predict(b);
      for (let i = 0; i < b.size; i++) {
        before += (f[i] - t[i]) ** 2;
        after += (m[i] - t[i]) ** 2;
      }
    }
    fresh.dispose();
    assert.ok(after < before * 0.5, `squared distance to the teacher: ${before.toFixed(4)} → ${after.toFixed(4)}`);
  } finally {
    model.dispose();
    teacher.dispose();
  }
});
