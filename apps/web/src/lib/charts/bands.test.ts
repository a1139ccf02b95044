import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandOf, groupBy } from './bands.js';

test('bandOf gives mean ± sample std per window across seeds, and no band where one seed has a value', () => {
  const b = bandOf([
    [{ x: 1, y: 1 }, { x: 2, y: 2 }, { x: 3, y: 5 }],
    [{ x: 1, y: 3 }, { x: 2, y: null }],
  ]);
  assert.deepEqual(b.mean, [{ x: 1, y: 2 }, { x: 2, y: 2 }, { x: 3, y: 5 }]);
  assert.ok(Math.abs(b.hi[0].y! - (2 + Math.SQRT2)) < 1e-12);
  assert.ok(Math.abs(b.lo[0].y! - (2 - Math.SQRT2)) < 1e-12);
  assert.equal(b.hi[1].y, null);
  assert.deepEqual(b.n, [2, 1, 1]);
});

test('groupBy keeps first-seen order', () => {
  assert.deepEqual(groupBy(['a1', 'b1', 'a2'], (s) => s[0]).map((g) => [g.key, g.items]), [['a', ['a1', 'a2']], ['b', ['b1']]]);
});
