// Who is popular in each categorical field, window by window. Ranks follow a Zipf law; each window a fraction
// of ranks rotate: half of those swap places with another rank, the other half go to a brand-new id (an id is born,
// the one it replaces stops being drawn). Raw ids are small integers per field (0, 1, 2, … in order of birth).
import { Rng } from '../../random/rng.js';

export class Vocabulary {
  /** rankToId[f][r]: the raw id at popularity rank r of field f. */
  readonly rankToId: Int32Array[];
  private nextId: number[];
  private rng: Rng;

  constructor(
    readonly numFields: number,
    readonly size: number,
    seed: number,
  ) {
    this.rankToId = Array.from({ length: numFields }, () => Int32Array.from({ length: size }, (_, r) => r));
    this.nextId = new Array<number>(numFields).fill(size);
    this.rng = new Rng(seed);
  }

  /** Moves to the next window: rotates round(rankRotation × size) ranks per field. */
  advance(rankRotation: number): void {
    const rotations = Math.round(rankRotation * this.size);
    const rng = this.rng;
    for (let f = 0; f < this.numFields; f++) {
      const ranks = this.rankToId[f];
      for (let j = 0; j < rotations; j++) {
        const i = rng.int(this.size);
        if (rng.next() < 0.5) {
          const k = rng.int(this.size);
          const t = ranks[i];
          ranks[i] = ranks[k];
          ranks[k] = t;
        } else ranks[i] = this.nextId[f]++;
      }
    }
  }

  /** Ids born so far in field f (raw ids are 0 .. idsBorn − 1). */
  idsBorn(f: number): number {
    return this.nextId[f];
  }
}
