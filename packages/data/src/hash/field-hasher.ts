// Hashes raw categorical values into each field's embedding table: bucket = murmur3(value, fieldSeed) mod tableSize,
// where fieldSeed = murmur3(fieldName, 0), so equal values in different fields land in unrelated buckets.
import { murmur3Bytes, murmur3Int, murmur3String } from './murmur3.js';
import { CollisionCounter, type FieldCollisions } from './collisions.js';
import { DataError } from '../errors.js';

export function fieldSeed(fieldName: string): number {
  return murmur3String(fieldName, 0);
}

/** Resolves config `hashSize` (one number or one per field) to one table size per field. */
export function resolveTableSizes(hashSize: number | number[], numFields: number, what = 'data.hashSize'): number[] {
  if (typeof hashSize === 'number') return new Array<number>(numFields).fill(hashSize);
  if (hashSize.length !== numFields)
    throw new DataError('BAD_OPTIONS', `${what} has ${hashSize.length} entries but the source has ${numFields} categorical fields`);
  return hashSize.slice();
}

/**
 * h mod n for an unsigned 32-bit h: the same value as `h % n`, computed with a division and a floor, because V8
 * computes `%` on numbers above 2^31 as a floating-point remainder through a slow call. Exact: for h < 2^32 the
 * quotient's rounding error is far below the distance 1/n of a non-integer quotient from the nearest integer.
 */
export function modU32(h: number, n: number): number {
  return h - Math.floor(h / n) * n;
}

export class FieldHasher {
  readonly seeds: Int32Array;
  readonly sizes: Int32Array;
  readonly collisions: CollisionCounter[];

  constructor(
    readonly fieldNames: string[],
    tableSizes: number[],
    /** Track bucket owners to count collisions (memory: ~2.1 bytes per bucket, skipped for tables over 2^24 rows). */
    trackCollisions = true,
  ) {
    this.seeds = Int32Array.from(fieldNames.map(fieldSeed));
    this.sizes = Int32Array.from(tableSizes);
    this.collisions = tableSizes.map((n) => new CollisionCounter(n, trackCollisions && n <= 1 << 24));
  }

  /** Bucket of a value whose full murmur3 hash (with this field's seed) is already computed. */
  bucketOf(f: number, fullHash: number): number {
    const b = modU32(fullHash, this.sizes[f]);
    this.collisions[f].record(b, fullHash);
    return b;
  }

  /** Bucket of bytes[start, end) in field f. */
  bytes(f: number, buf: Uint8Array, start: number, end: number): number {
    const h = murmur3Bytes(buf, start, end, this.seeds[f]);
    const b = modU32(h, this.sizes[f]);
    this.collisions[f].record(b, h);
    return b;
  }

  string(f: number, s: string): number {
    const h = murmur3String(s, this.seeds[f]);
    const b = modU32(h, this.sizes[f]);
    this.collisions[f].record(b, h);
    return b;
  }

  /** Bucket of an integer id (hashed as 4 little-endian bytes). */
  int(f: number, x: number): number {
    const h = murmur3Int(x, this.seeds[f]);
    const b = modU32(h, this.sizes[f]);
    this.collisions[f].record(b, h);
    return b;
  }

  report(): FieldCollisions[] {
    return this.collisions.map((c, f) => c.report(this.fieldNames[f]));
  }
}
