// Shapes resolved from the config, and what a shape costs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { embeddingParamCount, flopsPerSample, interactionWidth, layerNames, paramCount, resolveShape } from './shape.js';

const reference = resolveShape({ embeddingDim: 16, bottomMlp: [512, 256, 64], topMlp: [512, 256], interaction: 'dot' }, { numDense: 13, tableSizes: Array(26).fill(100_000) });

test('the reference DLRM resolves to 13-512-256-64-16 and 367-512-256-1', () => {
  assert.deepEqual(reference.bottom, [13, 512, 256, 64, 16]);
  assert.deepEqual(reference.top, [367, 512, 256, 1]);
  assert.equal(interactionWidth('cat', 26, 16), 16 * 27);
  assert.deepEqual(layerNames(reference), ['bottom.0', 'bottom.1', 'bottom.2', 'bottom.3', 'top.0', 'top.1', 'top.2']);
});

test('FLOPs and parameter counts', () => {
  const mlp = 2 * (13 * 512 + 512 * 256 + 256 * 64 + 64 * 16 + 367 * 512 + 512 * 256 + 256 * 1);
  assert.equal(flopsPerSample(reference), mlp + 2 * 16 * 351);
  assert.equal(paramCount(reference), mlp / 2 + (512 + 256 + 64 + 16 + 512 + 256 + 1));
  assert.equal(embeddingParamCount(reference), 26 * 100_000 * 16);
  // structured pruning lowers both
  const pruned = { ...reference, bottom: [13, 256, 128, 32, 16], top: [367, 256, 128, 1] };
  assert.ok(flopsPerSample(pruned) < flopsPerSample(reference) / 1.9);
  assert.ok(paramCount(pruned) < paramCount(reference) / 1.9);
});
