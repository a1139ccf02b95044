import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CollisionCounter, queueLength } from './collisions.js';
import { fmix32 } from './murmur3.js';

/** The same counts kept the obvious way: the first fingerprint per bucket, every other one a collision. */
function naive(tableSize: number) {
  const owner = new Map<number, number>();
  const colliding = new Set<number>();
  let lookups = 0;
  let collided = 0;
  return {
    record(bucket: number, hash: number) {
      lookups++;
      const fp = ((hash >>> 16) | 1) & 0xffff;
      const o = owner.get(bucket);
      if (o === undefined) owner.set(bucket, fp);
      else if (o !== fp) {
        collided++;
        colliding.add(bucket);
      }
    },
    report: () => ({ tableSize, lookups, bucketsUsed: owner.size, collidingBuckets: colliding.size, collidedLookups: collided }),
  };
}

test('queued lookups give exact counts at any report(), across many full queues', () => {
  for (const tableSize of [7, 5_000, 200_000]) {
    const c = new CollisionCounter(tableSize, true);
    const n = naive(tableSize);
    const rounds = 3 * queueLength(tableSize) + 123; // the queue fills and is applied several times, and a part stays queued
    for (let i = 0; i < rounds; i++) {
      const h = fmix32((i * 7919) % (tableSize * 3) + 1); // values repeat, and there are more values than buckets
      const b = h % tableSize;
      c.record(b, h);
      n.record(b, h);
      if (i === 1_000 || i === rounds - 1) {
        const { field: _f, tracked: _t, ...got } = c.report('f');
        assert.deepEqual(got, n.report(), `table ${tableSize}, after ${i + 1} lookups`);
      }
    }
  }
});

test('queue length follows the table size within 1,024..65,536; an untracked counter only counts lookups', () => {
  assert.equal(queueLength(10), 1_024);
  assert.equal(queueLength(5_000), 5_000);
  assert.equal(queueLength(1_000_000), 65_536);
  const u = new CollisionCounter(1_000, false);
  for (let i = 0; i < 10; i++) u.record(i, i * 65_537);
  assert.deepEqual(u.report('f'), { field: 'f', tableSize: 1_000, lookups: 10, bucketsUsed: 0, collidingBuckets: 0, collidedLookups: 0, tracked: false });
});
