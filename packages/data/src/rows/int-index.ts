// Dense slots for non-negative 32-bit integer ids (users, articles): id → 0, 1, 2, … in order of first sight, by
// open addressing in typed arrays. Per-id state then lives in plain typed arrays indexed by slot, which costs a few
// bytes per id where a Map of objects costs about a hundred. Memory grows with distinct ids, never with rows.
import { fmix32 } from '../hash/murmur3.js';

export class IntIndex {
  /** Slot count (distinct ids seen). */
  size = 0;
  private keys: Int32Array;
  private slots: Int32Array;
  private mask: number;

  constructor(capacity = 1024) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.keys = new Int32Array(n).fill(-1);
    this.slots = new Int32Array(n);
    this.mask = n - 1;
  }

  /** The slot of `id` (0 ≤ id < 2^31), allocating the next one on first sight. */
  slot(id: number): number {
    const keys = this.keys;
    let i = fmix32(id) & this.mask;
    for (;;) {
      const k = keys[i];
      if (k === id) return this.slots[i];
      if (k === -1) break;
      i = (i + 1) & this.mask;
    }
    keys[i] = id;
    this.slots[i] = this.size;
    if (++this.size * 2 > keys.length) this.grow();
    return this.size - 1;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    const n = oldKeys.length * 2;
    this.keys = new Int32Array(n).fill(-1);
    this.slots = new Int32Array(n);
    this.mask = n - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j];
      if (k === -1) continue;
      let i = fmix32(k) & this.mask;
      while (this.keys[i] !== -1) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.slots[i] = oldSlots[j];
    }
  }
}

/** A typed array that grows (doubling) to hold index i. */
export function grown<T extends Int32Array | Float64Array | Float32Array>(a: T, i: number, fill = 0): T {
  if (i < a.length) return a;
  let n = a.length || 16;
  while (n <= i) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}
