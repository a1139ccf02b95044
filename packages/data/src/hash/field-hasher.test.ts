import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FieldHasher, fieldSeed, modU32, resolveTableSizes } from './field-hasher.js';
import { murmur3String } from './murmur3.js';

test('a bucket is murmur3(value, murmur3(fieldName, 0)) mod the table size, always in range', () => {
  fc.assert(
    fc.property(fc.string(), fc.integer({ min: 1, max: 1 << 24 }), (value, size) => {
      const h = new FieldHasher(['C7'], [size], false);
      const b = h.string(0, value);
      assert.equal(b, murmur3String(value, fieldSeed('C7')) % size);
      assert.ok(Number.isInteger(b) && b >= 0 && b < size);
      assert.equal(h.bytes(0, Buffer.from(value), 0, Buffer.byteLength(value)), b);
    }),
  );
});

test('modU32 equals % for every unsigned 32-bit value and table size', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 0xffffffff }), (h, n) => modU32(h, n) === h % n),
    { numRuns: 20_000 },
  );
  for (const [h, n] of [
    [0xffffffff, 1],
    [0xffffffff, 0xffffffff],
    [0xfffffffe, 0xffffffff],
    [0xffffffff, 3],
    [2 ** 32 - 2, 2 ** 31 - 1],
  ])
    assert.equal(modU32(h, n), h % n);
});

test('fields hash the same value to unrelated buckets', () => {
  const h = new FieldHasher(['C1', 'C2'], [1 << 20, 1 << 20], false);
  let same = 0;
  for (let i = 0; i < 2000; i++) if (h.string(0, `v${i}`) === h.string(1, `v${i}`)) same++;
  assert.ok(same <= 2, `${same} values share a bucket across fields`);
});

test('buckets are uniform (chi-square over 64 buckets)', () => {
  const h = new FieldHasher(['f'], [64], false);
  const counts = new Array(64).fill(0);
  const n = 64_000;
  for (let i = 0; i < n; i++) counts[h.string(0, `id-${i}`)]++;
  const expected = n / 64;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  // 63 degrees of freedom: the 99.9th percentile is about 103.
  assert.ok(chi2 < 103, `chi2 ${chi2.toFixed(1)}`);
});

test('collision counts agree with a brute-force count of distinct values per bucket', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 300 }), fc.integer({ min: 1, max: 64 }), (values, size) => {
      const h = new FieldHasher(['f'], [size], true);
      const owners = new Map<number, { first: number; hashes: Set<number> }>();
      let collided = 0;
      for (const v of values) {
        const b = h.string(0, v);
        // The counter tells values apart by a 15-bit fingerprint of the full hash (see collisions.ts).
        const full = ((murmur3String(v, fieldSeed('f')) >>> 16) | 1) & 0xffff;
        const o = owners.get(b);
        if (!o) owners.set(b, { first: full, hashes: new Set([full]) });
        else {
          o.hashes.add(full);
          if (o.first !== full) collided++;
        }
      }
      const r = h.report()[0];
      assert.equal(r.lookups, values.length);
      assert.equal(r.bucketsUsed, owners.size);
      assert.equal(r.collidingBuckets, [...owners.values()].filter((o) => o.hashes.size > 1).length);
      assert.equal(r.collidedLookups, collided);
    }),
  );
});

test('resolveTableSizes takes one size for all fields or one per field', () => {
  assert.deepEqual(resolveTableSizes(5, 3), [5, 5, 5]);
  assert.deepEqual(resolveTableSizes([1, 2], 2), [1, 2]);
  assert.throws(() => resolveTableSizes([1, 2], 3), /has 2 entries but the source has 3/);
});
