import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketSizeFor } from './downsample.js';

test('bucket size keeps the number of points at or under maxPoints', () => {
  assert.equal(bucketSizeFor(100, 500), 1);
  assert.equal(bucketSizeFor(500, 500), 1);
  assert.equal(bucketSizeFor(501, 500), 2);
  for (const [span, max] of [[10_000, 500], [9_999, 7], [1_000_000, 1000]]) {
    const b = bucketSizeFor(span, max);
    assert.ok(Math.ceil(span / b) <= max, `${span}/${max}`);
    assert.ok(Math.ceil(span / (b - 1 || 1)) > max || b === 1);
  }
});
