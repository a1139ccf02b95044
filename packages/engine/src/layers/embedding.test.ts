// The JS side of the embedding layer: gathering rows and summing the gradients of duplicate rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { gatherRows, RowGradCoalescer, RowSet } from './embedding.js';

test('gatherRows reads row offsets[f] + id of the concatenated table', () => {
  const D = 2;
  const table = Float32Array.from({ length: 7 * D }, (_, i) => i);
  const offsets = Int32Array.from([0, 3]); // tables of 3 and 4 rows
  const cat = Int32Array.from([2, 0, 1, 3]);
  const out = new Float32Array(2 * 2 * D);
  gatherRows(table, D, offsets, cat, 2, out);
  assert.deepEqual(Array.from(out), [4, 5, 6, 7, 2, 3, 12, 13]);
  // odd D takes the element-wise path
  const out3 = new Float32Array(2 * 2 * 3);
  gatherRows(Float32Array.from({ length: 7 * 3 }, (_, i) => i), 3, offsets, cat, 2, out3);
  assert.deepEqual(Array.from(out3), [6, 7, 8, 9, 10, 11, 3, 4, 5, 18, 19, 20]);
});

test('coalesced gradients equal a naive per-row sum, in first-seen order (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (B, F, rows, seed) => {
      const D = 3;
      let s = seed >>> 0;
      const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      const offsets = Int32Array.from({ length: F }, (_, f) => f * rows);
      const cat = Int32Array.from({ length: B * F }, () => Math.floor(rnd() * rows));
      const grad = Float32Array.from({ length: B * F * D }, () => rnd() - 0.5);
      const c = new RowGradCoalescer(D);
      c.coalesce(offsets, cat, B, grad);
      const naive = new Map<number, number[]>();
      for (let i = 0; i < B * F; i++) {
        const r = offsets[i % F] + cat[i];
        const acc = naive.get(r) ?? [0, 0, 0];
        for (let d = 0; d < D; d++) acc[d] = Math.fround(acc[d] + grad[i * D + d]);
        naive.set(r, acc);
      }
      assert.deepEqual(Array.from(c.rows.subarray(0, c.count)), [...naive.keys()]);
      assert.deepEqual(Array.from(c.grads.subarray(0, c.count * D)), [...naive.values()].flat());
      const set = new RowSet();
      set.addBatch(offsets, cat, B);
      for (let r = 0; r < F * rows; r++) assert.equal(set.has(r), naive.has(r));
    }),
    { numRuns: 200 },
  );
});
