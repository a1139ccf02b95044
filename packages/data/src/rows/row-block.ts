// A window's rows in columnar typed arrays (grown by doubling), served as mini-batches: zero-copy views in file
// order, or gathered through a keyed permutation when shuffled.
import type { Batch } from '../types.js';
import { Permutation } from '../random/permutation.js';
import { DataError } from '../errors.js';

/** Largest window held in memory (whole-file Criteo day_N windows are streamed instead). */
export const MAX_BLOCK_BYTES = 8 * 2 ** 30;

export class RowBlock {
  rows = 0;
  dense: Float32Array;
  cat: Int32Array;
  labels: Float32Array;

  constructor(
    readonly numDense: number,
    readonly numFields: number,
    private capacity = 1024,
    private readonly maxBytes = MAX_BLOCK_BYTES,
  ) {
    this.dense = new Float32Array(capacity * numDense);
    this.cat = new Int32Array(capacity * numFields);
    this.labels = new Float32Array(capacity);
  }

  /** A full block over existing arrays (rows × numDense, rows × numFields, rows), e.g. a window read back from disk. */
  static wrap(numDense: number, numFields: number, rows: number, dense: Float32Array, cat: Int32Array, labels: Float32Array): RowBlock {
    if (dense.length !== rows * numDense || cat.length !== rows * numFields || labels.length !== rows)
      throw new DataError('READ_FAILED', `a spilled window of ${rows} rows has ${dense.length} dense, ${cat.length} categorical and ${labels.length} label values`);
    const b = new RowBlock(numDense, numFields, 0);
    b.dense = dense;
    b.cat = cat;
    b.labels = labels;
    b.rows = rows;
    b.capacity = Math.max(rows, 1);
    return b;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const bytes = cap * (this.numDense + this.numFields + 1) * 4;
    if (bytes > this.maxBytes)
      throw new DataError(
        'WINDOW_TOO_LARGE',
        `a window holds more than ${this.capacity} rows (${(bytes / 2 ** 30).toFixed(1)} GiB to grow further): use window rows:N or data.maxRowsPerWindow`,
      );
    const dense = new Float32Array(cap * this.numDense);
    dense.set(this.dense);
    const cat = new Int32Array(cap * this.numFields);
    cat.set(this.cat);
    const labels = new Float32Array(cap);
    labels.set(this.labels);
    this.dense = dense;
    this.cat = cat;
    this.labels = labels;
    this.capacity = cap;
  }

  push(dense: Float32Array, cat: Int32Array, label: number): void {
    if (this.rows === this.capacity) this.grow();
    const r = this.rows++;
    // Plain loops: TypedArray.set has a fixed cost that dominates for rows of a few dozen values.
    const D = this.numDense;
    const F = this.numFields;
    const dd = this.dense;
    const cc = this.cat;
    for (let i = 0, o = r * D; i < D; i++) dd[o + i] = dense[i];
    for (let i = 0, o = r * F; i < F; i++) cc[o + i] = cat[i];
    this.labels[r] = label;
  }

  /** Bytes held by the arrays (capacity, not rows). */
  get bytes(): number {
    return this.dense.byteLength + this.cat.byteLength + this.labels.byteLength;
  }

  async *batches(batchSize: number, shuffleSeed?: number): AsyncGenerator<Batch> {
    const { numDense: D, numFields: F, rows } = this;
    if (!(batchSize >= 1)) throw new Error(`batchSize must be ≥ 1, got ${batchSize}`);
    if (shuffleSeed === undefined) {
      for (let s = 0; s < rows; s += batchSize) {
        const e = Math.min(rows, s + batchSize);
        yield {
          size: e - s,
          dense: this.dense.subarray(s * D, e * D),
          cat: this.cat.subarray(s * F, e * F),
          labels: this.labels.subarray(s, e),
        };
      }
      return;
    }
    const perm = new Permutation(Math.max(rows, 1), shuffleSeed);
    const dense = new Float32Array(batchSize * D);
    const cat = new Int32Array(batchSize * F);
    const labels = new Float32Array(batchSize);
    for (let s = 0; s < rows; s += batchSize) {
      const n = Math.min(rows, s + batchSize) - s;
      for (let i = 0; i < n; i++) {
        const r = perm.at(s + i);
        dense.set(this.dense.subarray(r * D, r * D + D), i * D);
        cat.set(this.cat.subarray(r * F, r * F + F), i * F);
        labels[i] = this.labels[r];
      }
      yield { size: n, dense: dense.subarray(0, n * D), cat: cat.subarray(0, n * F), labels: labels.subarray(0, n) };
    }
  }
}
