import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { binShares, psi, quantileEdges } from './psi.js';

test('psi: zero for equal distributions, the textbook value otherwise, symmetric and non-negative', () => {
  assert.equal(psi([0.5, 0.5], [0.5, 0.5]), 0);
  const expected = (0.7 - 0.5) * Math.log(0.7 / 0.5) + (0.3 - 0.5) * Math.log(0.3 / 0.5);
  assert.ok(Math.abs(psi([0.5, 0.5], [0.7, 0.3]) - expected) < 1e-12);
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 10 }), fc.nat(), (w, seed) => {
      const p = w.map((x) => x + 1e-3);
      const sp = p.reduce((a, b) => a + b);
      const q = p.map((x, i) => x * (1 + ((seed >> i) & 1)));
      const sq = q.reduce((a, b) => a + b);
      const P = p.map((x) => x / sp);
      const Q = q.map((x) => x / sq);
      assert.ok(psi(P, Q) >= 0);
      assert.ok(Math.abs(psi(P, Q) - psi(Q, P)) < 1e-9);
    }),
  );
});

test('quantile bins split a sample into about equal shares', () => {
  const sample = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
  const edges = quantileEdges(sample);
  assert.equal(edges.length, 9);
  for (const s of binShares(edges, sample)) assert.ok(Math.abs(s - 0.1) < 0.002);
  // Ties collapse bins instead of making empty ones.
  assert.deepEqual(quantileEdges([1, 1, 1, 1, 2]), [1, 2]);
});
