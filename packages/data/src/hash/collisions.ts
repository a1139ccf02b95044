// Counts hash collisions in one field's table in O(table size) memory, whatever the number of raw values:
// each bucket remembers the full 32-bit hash of the first value that landed in it; a later value with another
// full hash is a collision (two raw values with the same full hash are indistinguishable here, which
// under-counts by a negligible amount for 32-bit hashes).

import type { FieldCollisions } from '../types.js';

export type { FieldCollisions };

export class CollisionCounter {
  private owner: Int32Array;
  /** Per bucket: 0 empty, 1 one value, 2 shared by several. */
  private state: Uint8Array;
  lookups = 0;
  bucketsUsed = 0;
  collidingBuckets = 0;
  collidedLookups = 0;

  constructor(
    readonly tableSize: number,
    readonly tracked: boolean,
  ) {
    this.owner = new Int32Array(tracked ? tableSize : 0);
    this.state = new Uint8Array(tracked ? tableSize : 0);
  }

  record(bucket: number, fullHash: number): void {
    this.lookups++;
    if (!this.tracked) return;
    const s = this.state[bucket];
    if (s === 0) {
      this.state[bucket] = 1;
      this.owner[bucket] = fullHash | 0;
      this.bucketsUsed++;
    } else if (this.owner[bucket] !== (fullHash | 0)) {
      this.collidedLookups++;
      if (s === 1) {
        this.state[bucket] = 2;
        this.collidingBuckets++;
      }
    }
  }

  report(field: string): FieldCollisions {
    const { tableSize, lookups, bucketsUsed, collidingBuckets, collidedLookups, tracked } = this;
    return { field, tableSize, lookups, bucketsUsed, collidingBuckets, collidedLookups, tracked };
  }
}
