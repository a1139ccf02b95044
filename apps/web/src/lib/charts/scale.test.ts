import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearScale, logScale, niceTicks } from './scale.js';

test('niceTicks steps by 1, 2 or 5 × 10^k inside the range', () => {
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(0.13, 0.61, 4), [0.2, 0.4, 0.6]);
  assert.deepEqual(niceTicks(-1, 1, 4), [-1, -0.5, 0, 0.5, 1]);
});

test('linearScale maps the padded domain onto the range and widens one value', () => {
  const s = linearScale(0, 10, 0, 100, 0);
  assert.equal(s(5), 50);
  const one = linearScale(3, 3, 0, 100, 0);
  assert.equal(one(3), 50);
  const flipped = linearScale(0, 10, 100, 0, 0);
  assert.equal(flipped(10), 0);
});

test('logScale puts powers of ten evenly', () => {
  const s = logScale(1e3, 1e6, 0, 300);
  assert.ok(Math.abs(s(1e4) - s(1e3) - (s(1e5) - s(1e4))) < 1e-9);
  assert.ok(s.ticks.includes(1e4) && s.ticks.includes(1e5));
});
