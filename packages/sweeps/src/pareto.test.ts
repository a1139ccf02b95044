import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bestUnderBudget, dominates, paretoFront, type Candidate } from './pareto.js';

const c = (id: string, gap: number, cost: number): Candidate => ({ id, gap, cost });

test('the front keeps exactly the non-dominated points, by cost', () => {
  const pts = [c('a', 5, 1), c('b', 3, 2), c('c', 4, 3), c('d', 1, 4), c('e', 1, 5), c('f', 0.5, 9), c('g', 3, 2)];
  assert.deepEqual(
    paretoFront(pts).map((p) => p.id),
    ['a', 'b', 'g', 'd', 'f'],
  );
  assert.deepEqual(paretoFront([]), []);
  assert.deepEqual(paretoFront([c('x', NaN, 1), c('y', 1, 1)]).map((p) => p.id), ['y']);
});

test('property: no front point is dominated, every other point is dominated by a front point', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), { maxLength: 60 }), (xs) => {
      const pts = xs.map(([g, k], i) => c(String(i), g, k));
      const front = paretoFront(pts);
      const onFront = new Set(front.map((p) => p.id));
      for (const p of front) assert.ok(!pts.some((q) => dominates(q, p)));
      for (const p of pts) if (!onFront.has(p.id)) assert.ok(front.some((q) => dominates(q, p) || (q.gap === p.gap && q.cost === p.cost)));
    }),
  );
});

test('best under a budget: the lowest gap whose cost fits; null when none fits', () => {
  const pts = [c('a', 5, 1), c('b', 3, 2), c('c', 3, 1.5), c('d', 1, 4)];
  assert.equal(bestUnderBudget(pts, 2)?.id, 'c');
  assert.equal(bestUnderBudget(pts, 4)?.id, 'd');
  assert.equal(bestUnderBudget(pts, 0.5), null);
});
