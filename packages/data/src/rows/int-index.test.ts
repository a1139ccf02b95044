import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grown, IntIndex } from './int-index.js';

test('IntIndex: slots 0, 1, 2, … in order of first sight, stable across growth, for ids up to 2^31 − 1', () => {
  const idx = new IntIndex(4);
  const ids = [0, 2 ** 31 - 1, 7, 123_456_789];
  for (let i = 0; i < 50_000; i++) ids.push((i * 2_654_435_761) % 2 ** 31);
  const seen = new Map<number, number>();
  for (const id of ids) {
    const expected = seen.get(id) ?? seen.size;
    seen.set(id, expected);
    assert.equal(idx.slot(id), expected);
  }
  assert.equal(idx.size, seen.size);
  for (const [id, slot] of seen) assert.equal(idx.slot(id), slot);
  assert.equal(idx.size, seen.size, 'looking ids up again allocates nothing');
});

test('grown: keeps the values, fills new room with the given value', () => {
  const a = Int32Array.of(1, 2, 3);
  assert.equal(grown(a, 2), a);
  const b = grown(a, 40, -1);
  assert.ok(b.length > 40);
  assert.deepEqual([...b.subarray(0, 4)], [1, 2, 3, -1]);
  assert.ok(b.subarray(3).every((x) => x === -1));
  assert.ok(grown(new Float64Array(0), 0).length >= 1);
});
