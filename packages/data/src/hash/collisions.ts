// Counts hash collisions in one field's table in O(table size) memory, whatever the number of raw values:
// each bucket remembers a fingerprint of the first value that landed in it; a later value with another
// fingerprint is a collision.
//
// Lookups are queued and applied in batches: the owner table of a large field (100k buckets = 200 KB) does not
// stay in cache while a row's 26 fields are parsed, so applying each lookup at once cost a cache miss per value
// (measured: collision counting halved the Criteo parser's speed). Applied one field at a time, a queue of up to
// 65,536 lookups reuses the table's cache lines. Counts are exact at any report(), which applies what is queued.

import type { FieldCollisions } from '../types.js';

export type { FieldCollisions };

/**
 * Lookups queued before they are applied: as many as the table has buckets, between 1,024 and 65,536 (at most
 * 384 KiB a tracked field: 4-byte bucket + 2-byte fingerprint each). A small table stays in cache anyway.
 */
export function queueLength(tableSize: number): number {
  return Math.min(1 << 16, Math.max(1 << 10, tableSize));
}

export class CollisionCounter {
  /**
   * Per bucket, a 16-bit fingerprint of the first value's full hash (its high 15 bits, | 1 so that 0 means empty):
   * 2 bytes a bucket. Two values in one bucket with equal fingerprints (chance 2^-15) are not told apart, a
   * negligible under-count.
   */
  private owner: Uint16Array;
  /** Buckets already counted as colliding (read only on a mismatch). */
  private shared: Uint8Array;
  /** Queued lookups (bucket, fingerprint), applied when the queue is full or at report(). */
  private queuedBuckets: Int32Array;
  private queuedPrints: Uint16Array;
  private queued = 0;
  private applied = 0;
  bucketsUsed = 0;
  collidingBuckets = 0;
  collidedLookups = 0;

  constructor(
    readonly tableSize: number,
    readonly tracked: boolean,
  ) {
    this.owner = new Uint16Array(tracked ? tableSize : 0);
    this.shared = new Uint8Array(tracked ? (tableSize + 7) >>> 3 : 0);
    this.queuedBuckets = new Int32Array(tracked ? queueLength(tableSize) : 0);
    this.queuedPrints = new Uint16Array(tracked ? queueLength(tableSize) : 0);
  }

  /** Lookups recorded so far (applied or queued). */
  get lookups(): number {
    return this.applied + this.queued;
  }

  record(bucket: number, fullHash: number): void {
    if (!this.tracked) {
      this.applied++;
      return;
    }
    const q = this.queued;
    this.queuedBuckets[q] = bucket;
    this.queuedPrints[q] = (fullHash >>> 16) | 1;
    this.queued = q + 1;
    if (q + 1 === this.queuedBuckets.length) this.apply();
  }

  /** Applies the queued lookups to the owner table. */
  apply(): void {
    const { owner, shared, queuedBuckets, queuedPrints } = this;
    const n = this.queued;
    // Counters in locals: the loop then touches no object fields (and its rare branches no untyped property stores).
    let used = 0;
    let collided = 0;
    let colliding = 0;
    for (let i = 0; i < n; i++) {
      const bucket = queuedBuckets[i];
      const fp = queuedPrints[i];
      const o = owner[bucket];
      if (o === fp) continue; // the bucket's first value again: the common case
      if (o === 0) {
        owner[bucket] = fp;
        used++;
        continue;
      }
      collided++;
      const m = 1 << (bucket & 7);
      if ((shared[bucket >>> 3] & m) === 0) {
        shared[bucket >>> 3] |= m;
        colliding++;
      }
    }
    this.bucketsUsed += used;
    this.collidedLookups += collided;
    this.collidingBuckets += colliding;
    this.applied += n;
    this.queued = 0;
  }

  report(field: string): FieldCollisions {
    this.apply();
    const { tableSize, lookups, bucketsUsed, collidingBuckets, collidedLookups, tracked } = this;
    return { field, tableSize, lookups, bucketsUsed, collidingBuckets, collidedLookups, tracked };
  }
}
