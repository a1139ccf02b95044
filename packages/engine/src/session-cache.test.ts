import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachedSessionCount } from './session-cache.js';
import { resolveShape } from './shape.js';
import { createTrainer } from './trainer.js';
import { createResidentTrainer } from './webgpu/trainer.js';

const shape = resolveShape({ embeddingDim: 4, bottomMlp: [8], topMlp: [8], interaction: 'dot' }, { numDense: 3, tableSizes: [20, 30] });

test('trainers of one architecture share their sessions, on both engines, and release them when disposed', () => {
  const before = cachedSessionCount();
  const a = createTrainer({ shape, seed: 1, threads: 1 });
  const afterOne = cachedSessionCount();
  assert.equal(afterOne - before, 2, 'the CPU engine: a training and a prediction graph');
  const b = createTrainer({ shape, seed: 2, threads: 1 });
  assert.equal(cachedSessionCount(), afterOne, 'the second trainer reuses both');
  const other = createTrainer({ shape, seed: 1, threads: 2 });
  assert.equal(cachedSessionCount(), afterOne + 2, 'other session options, other sessions');
  const r1 = createResidentTrainer({ shape, seed: 1, threads: 1, executionProvider: 'cpu' });
  const withResident = cachedSessionCount();
  const r2 = createResidentTrainer({ shape, seed: 2, threads: 1, executionProvider: 'cpu' });
  assert.equal(cachedSessionCount(), withResident, 'resident trainers share theirs too');
  for (const t of [a, b, other, r1, r2]) t.dispose();
  assert.equal(cachedSessionCount(), before, 'all released');
});
