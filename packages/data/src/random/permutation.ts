// A keyed pseudo-random permutation of [0, n) computed point by point (a 4-round Feistel network on the next
// power of two, with cycle walking), so a window's rows can be visited in shuffled order without a shuffled copy.
import { mixSeed } from './rng.js';

export class Permutation {
  private halfBits: number;
  private mask: number;
  private keys: number[];

  constructor(
    readonly n: number,
    seed: number,
  ) {
    if (!(n >= 1 && n <= 2 ** 40)) throw new Error(`Permutation size must be in [1, 2^40], got ${n}`);
    let bits = 2;
    while (2 ** bits < n) bits++;
    if (bits % 2) bits++;
    this.halfBits = bits / 2;
    this.mask = 2 ** this.halfBits - 1;
    this.keys = [0, 1, 2, 3].map((r) => mixSeed(seed, r, 0x51ed));
  }

  private encrypt(x: number): number {
    const hb = this.halfBits;
    const m = this.mask;
    let l = Math.floor(x / 2 ** hb) & m;
    let r = x & m;
    for (let round = 0; round < 4; round++) {
      const f = mixSeed(r, this.keys[round]) & m;
      const t = l ^ f;
      l = r;
      r = t;
    }
    return l * 2 ** hb + r;
  }

  /** The position that index i maps to; a bijection on [0, n). */
  at(i: number): number {
    let x = this.encrypt(i);
    while (x >= this.n) x = this.encrypt(x);
    return x;
  }
}
