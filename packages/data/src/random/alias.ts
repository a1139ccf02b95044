// Walker's alias method: O(1) draws from a fixed discrete distribution after O(n) set-up (Vose's construction).
import type { Rng } from './rng.js';

export class AliasTable {
  readonly n: number;
  private prob: Float64Array;
  private alias: Int32Array;
  /** prob scaled to 32-bit integers, so a draw compares integers. */
  private threshold: Uint32Array;
  private scale: number;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new Error('AliasTable needs at least one weight');
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (!(weights[i] >= 0)) throw new Error(`AliasTable weight ${i} must be ≥ 0, got ${weights[i]}`);
      total += weights[i];
    }
    if (!(total > 0)) throw new Error('AliasTable weights must not all be zero');
    this.n = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i] * n) / total;
      (scaled[i] < 1 ? small : large).push(i);
    }
    while (small.length && large.length) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    // Left-overs are 1 up to rounding; they alias themselves so that no draw can fall through.
    for (const i of [...large, ...small]) {
      this.prob[i] = 1;
      this.alias[i] = i;
    }
    this.threshold = Uint32Array.from(this.prob, (p) => Math.min(p * 4294967296, 4294967295));
    this.scale = n / 4294967296;
  }

  /** Draws an index in [0, n) using two uniforms from rng. */
  sample(rng: Rng): number {
    const i = Math.floor(rng.u32() * this.scale);
    return rng.u32() < this.threshold[i] ? i : this.alias[i];
  }
}

/** Zipf weights 1/(r+1)^s for ranks 0..n-1. */
export function zipfWeights(n: number, exponent: number): Float64Array {
  const w = new Float64Array(n);
  for (let r = 0; r < n; r++) w[r] = 1 / Math.pow(r + 1, exponent);
  return w;
}
