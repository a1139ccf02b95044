import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWarnings } from './types.js';

test('Run.warnings: the summary\'s well-formed warnings, nothing from absent or malformed summaries', () => {
  const w = { code: 'DENSE_NE_AT_LEAST_ONE', message: "the dense model's mean NE is 1.270" };
  assert.deepEqual(runWarnings({ warnings: [w] }), [w]);
  assert.deepEqual(runWarnings({ warnings: [w, { code: 3 }, null, 'x', { message: 'no code' }] }), [w]);
  for (const s of [null, undefined, 'text', 42, {}, { warnings: 'DENSE' }]) assert.deepEqual(runWarnings(s), []);
});
