// Counts hash collisions in one field's table in O(table size) memory, whatever the number of raw values:
// each bucket remembers a fingerprint of the first value that landed in it; a later value with another
// fingerprint is a collision.

import type { FieldCollisions } from '../types.js';

export type { FieldCollisions };

export class CollisionCounter {
  /**
   * Per bucket, a 16-bit fingerprint of the first value's full hash (its high 15 bits, | 1 so that 0 means empty):
   * 2 bytes a bucket keeps the hot path in cache. Two values in one bucket with equal fingerprints (chance 2^-15)
   * are not told apart, a negligible under-count.
   */
  private owner: Uint16Array;
  /** Buckets already counted as colliding (read only on a mismatch). */
  private shared: Uint8Array;
  lookups = 0;
  bucketsUsed = 0;
  collidingBuckets = 0;
  collidedLookups = 0;

  constructor(
    readonly tableSize: number,
    readonly tracked: boolean,
  ) {
    this.owner = new Uint16Array(tracked ? tableSize : 0);
    this.shared = new Uint8Array(tracked ? (tableSize + 7) >>> 3 : 0);
  }

  record(bucket: number, fullHash: number): void {
    this.lookups++;
    // Hot path: the bucket's first value again (an untracked counter has no owners, so it always goes on).
    if (this.owner[bucket] === (((fullHash >>> 16) | 1) & 0xffff)) return;
    this.recordOther(bucket, ((fullHash >>> 16) | 1) & 0xffff);
  }

  private recordOther(bucket: number, fp: number): void {
    if (!this.tracked) return;
    if (this.owner[bucket] === 0) {
      this.owner[bucket] = fp;
      this.bucketsUsed++;
      return;
    }
    this.collidedLookups++;
    const m = 1 << (bucket & 7);
    if ((this.shared[bucket >>> 3] & m) === 0) {
      this.shared[bucket >>> 3] |= m;
      this.collidingBuckets++;
    }
  }

  report(field: string): FieldCollisions {
    const { tableSize, lookups, bucketsUsed, collidingBuckets, collidedLookups, tracked } = this;
    return { field, tableSize, lookups, bucketsUsed, collidingBuckets, collidedLookups, tracked };
  }
}
