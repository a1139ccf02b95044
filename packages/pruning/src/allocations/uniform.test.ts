import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prune } from '../prune.js';
import { randomParams, smallShape } from '../testing.js';
import { uniform } from './uniform.js';

test('uniform: the next neuron comes from the layer keeping the largest fraction of its dense width', () => {
  const c = { score: 1, normalised: 1, saved: 10 };
  assert.ok(uniform.structuredKey({ ...c, width: 90, denseWidth: 100 }) < uniform.structuredKey({ ...c, width: 40, denseWidth: 50 }));
  // Scores do not matter to how much a layer loses.
  assert.equal(uniform.structuredKey({ ...c, width: 9, denseWidth: 10, score: 1e9 }), uniform.structuredKey({ ...c, width: 9, denseWidth: 10, score: 0 }));
  assert.equal(uniform.unstructured, 'per_layer');
});

test('uniform allocation shrinks every layer by about the same fraction', () => {
  const shape = smallShape([96, 64], [128, 64]);
  const r = prune(randomParams(shape), { budget: 0.75, granularity: 'structured', criterion: 'magnitude', allocation: 'uniform', minWidth: 2 });
  const fr = [r.widths['bottom.0'] / 96, r.widths['bottom.1'] / 64, r.widths['top.0'] / 128, r.widths['top.1'] / 64];
  assert.ok(Math.max(...fr) - Math.min(...fr) < 0.04, fr.join(','));
  const un = prune(randomParams(shape), { budget: 0.75, granularity: 'unstructured', criterion: 'magnitude', allocation: 'uniform', minWidth: 2 });
  // Layers whose minimum (minWidth × inDim weights) is above the uniform share keep their minimum instead.
  for (const l of [...un.params.bottom, ...un.params.top].filter((x) => 0.25 * x.W.length >= 2 * x.inDim)) {
    const kept = l.mask!.reduce((a, b) => a + b, 0) / l.mask!.length;
    assert.ok(Math.abs(kept - 0.25) < 0.02, `${l.name} keeps ${kept}`);
  }
});
