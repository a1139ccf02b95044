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
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spare = NaN;

  constructor(seed = 1) {
    this.reseed(seed);
  }

  reseed(seed: number, stream = 0): this {
    this.a = mixSeed(seed, stream, 1);
    this.b = mixSeed(seed, stream, 2);
    this.c = mixSeed(seed, stream, 3);
    this.d = 1;
    this.spare = NaN;
    // A few rounds decorrelate nearby seeds.
    for (let i = 0; i < 8; i++) this.u32();
    return this;
  }

  /** Cheap re-seed for one row of a window: rows are generated independently, each from its own state. */
  seedRow(windowSeed: number, row: number): this {
    this.a = fmix32((windowSeed ^ Math.imul(row, 0x9e3779b1)) >>> 0);
    this.b = fmix32((this.a ^ 0x85ebca6b) >>> 0);
    this.c = (windowSeed ^ row) | 0;
    this.d = 1;
    this.spare = NaN;
    for (let i = 0; i < 4; i++) this.u32();
    return this;
  }

  /** Uniform unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
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
