// Small, fast, seedable random numbers. Streams seed one generator per (seed, window, row) so that any row can be
// regenerated on its own: that is what makes synthetic windows re-iterable and shuffleable without storing them.
import { fmix32 } from '../hash/murmur3.js';

/** Mixes up to four integers into one well-distributed 32-bit seed. */
export function mixSeed(a: number, b = 0, c = 0, d = 0): number {
  let h = fmix32((a ^ 0x9e3779b9) >>> 0);
  h = fmix32((h ^ Math.imul(b | 0, 0x85ebca6b)) >>> 0);
  h = fmix32((h ^ Math.imul(c | 0, 0xc2b2ae35)) >>> 0);
  h = fmix32((h ^ Math.imul(d | 0, 0x27d4eb2f)) >>> 0);
  return h;
}

/** SFC32 (Chris Doty-Humphrey's Small Fast Counting generator), 128-bit state, period ≥ 2^32. */
export class Rng {
  // State in an Int32Array: plain object fields holding 32-bit values outside V8's small-integer range would be
  // boxed as heap numbers, which made every draw ~10× slower.
  private s = new Int32Array(4);
  private spare = NaN;

  constructor(seed = 1) {
    this.reseed(seed);
  }

  reseed(seed: number, stream = 0): this {
    const s = this.s;
    s[0] = mixSeed(seed, stream, 1);
    s[1] = mixSeed(seed, stream, 2);
    s[2] = mixSeed(seed, stream, 3);
    s[3] = 1;
    this.spare = NaN;
    // A few rounds decorrelate nearby seeds.
    for (let i = 0; i < 8; i++) this.u32();
    return this;
  }

  /** Cheap re-seed for one row of a window: rows are generated independently, each from its own state. */
  seedRow(windowSeed: number, row: number): this {
    const s = this.s;
    s[0] = fmix32((windowSeed ^ Math.imul(row, 0x9e3779b1)) >>> 0);
    s[1] = fmix32((s[0] ^ 0x85ebca6b) >>> 0);
    s[2] = windowSeed ^ row;
    s[3] = 1;
    this.spare = NaN;
    for (let i = 0; i < 4; i++) this.u32();
    return this;
  }

  /** Uniform unsigned 32-bit integer. */
  u32(): number {
    const s = this.s;
    const a = s[0];
    const b = s[1];
    const c = s[2];
    const d = s[3];
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n), n ≤ 2^32. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Marsaglia polar method, caching the second value). */
  gaussian(): number {
    if (this.spare === this.spare) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    return u * m;
  }
}

/** A standard normal value determined by a 32-bit key alone (Box–Muller on two hashed uniforms). */
export function hashedGaussian(key: number, salt: number): number {
  const u1 = (mixSeed(key, salt, 11) + 1) / 4294967297;
  const u2 = mixSeed(key, salt, 12) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
