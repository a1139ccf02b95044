import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGradientProbe } from './gradient-probe.js';
import { initParams } from './init.js';
import { resolveShape } from './shape.js';
import { makeBatch, maxAbsDiff } from './test-support.js';
import { createTrainer } from './trainer.js';

const shape = resolveShape({ embeddingDim: 4, bottomMlp: [8, 6], topMlp: [10, 5], interaction: 'dot' }, { numDense: 3, tableSizes: [20, 30, 25] });

test('the probe gives the loss and the weight gradients that an SGD step takes, and trains nothing', () => {
  const params = initParams(shape, 5);
  const batch = makeBatch(shape, 16, 9);
  const probe = createGradientProbe(params, { threads: 1 });
  const sgd = createTrainer({ params, optimizer: { kind: 'sgd', lr: 1 }, threads: 1 });
  try {
    const { loss, dW } = probe.gradients(batch);
    assert.ok(Math.abs(loss - sgd.evalLoss(batch)) < 1e-6, `loss ${loss} vs ${sgd.evalLoss(batch)}`);
    sgd.trainStep(batch);
    const after = sgd.getParams();
    for (const [i, l] of [...params.bottom, ...params.top].entries()) {
      const step = l.W.map((w, k) => w - [...after.bottom, ...after.top][i].W[k]);
      assert.ok(maxAbsDiff(step, dW[l.name]) < 1e-6, `${l.name}: ${maxAbsDiff(step, dW[l.name])}`);
    }
    // Nothing moved: the same call gives the same numbers.
    assert.deepEqual(probe.gradients(batch).dW, dW);
  } finally {
    probe.dispose();
    sgd.dispose();
  }
});

test('replaced weights are used for that call only; bad inputs are coded errors', () => {
  const params = initParams(shape, 6);
  const batch = makeBatch(shape, 8, 2);
  const probe = createGradientProbe(params, { threads: 1 });
  try {
    const base = probe.gradients(batch);
    // Zero the last top layer: nothing flows back to the earlier layers.
    const last = params.top[params.top.length - 1];
    const zeroed = probe.gradients(batch, { [last.name]: new Float32Array(last.W.length) });
    assert.ok(zeroed.dW[params.top[0].name].every((v) => v === 0));
    assert.ok(base.dW[params.top[0].name].some((v) => v !== 0));
    assert.deepEqual(probe.gradients(batch).dW, base.dW);
    assert.throws(() => probe.gradients(batch, { [last.name]: new Float32Array(1) }), (e: Error & { code?: string }) => e.code === 'BAD_PARAMS');
    assert.throws(() => probe.gradients({ ...batch, cat: batch.cat.map(() => 99) }), (e: Error & { code?: string }) => e.code === 'BAD_BATCH');
  } finally {
    probe.dispose();
  }
  assert.throws(() => probe.gradients(batch), (e: Error & { code?: string }) => e.code === 'DISPOSED');
});
