// A small logistic regression on hashed ids + dense features (one weight per table row), trained with Adagrad:
// enough of a model to tell whether a stream's relation between features and labels drifts.
import type { Batch, StreamSchema, Window } from '../types.js';

export class HashedLogistic {
  private offsets: number[];
  private w: Float64Array;
  private g2: Float64Array;
  private readonly D: number;
  private readonly F: number;

  constructor(
    schema: StreamSchema,
    private lr = 0.1,
  ) {
    this.D = schema.denseNames.length;
    this.F = schema.fieldNames.length;
    this.offsets = [];
    let n = 1 + this.D; // bias, dense weights, then each table
    for (const t of schema.tableSizes) {
      this.offsets.push(n);
      n += t;
    }
    this.w = new Float64Array(n);
    this.g2 = new Float64Array(n).fill(1e-6);
  }

  private logit(b: Batch, i: number): number {
    let z = this.w[0];
    for (let d = 0; d < this.D; d++) z += this.w[1 + d] * b.dense[i * this.D + d];
    for (let f = 0; f < this.F; f++) z += this.w[this.offsets[f] + b.cat[i * this.F + f]];
    return z;
  }

  private update(k: number, g: number): void {
    this.g2[k] += g * g;
    this.w[k] -= (this.lr * g) / Math.sqrt(this.g2[k]);
  }

  async train(w: Window, epochs = 1): Promise<void> {
    for (let e = 0; e < epochs; e++)
      for await (const b of w.batches({ batchSize: 256 }))
        for (let i = 0; i < b.size; i++) {
          const g = 1 / (1 + Math.exp(-this.logit(b, i))) - b.labels[i];
          this.update(0, g);
          for (let d = 0; d < this.D; d++) this.update(1 + d, g * b.dense[i * this.D + d]);
          for (let f = 0; f < this.F; f++) this.update(this.offsets[f] + b.cat[i * this.F + f], g);
        }
  }

  /** Mean log loss on a window. */
  async logLoss(w: Window): Promise<number> {
    let s = 0;
    let n = 0;
    for await (const b of w.batches({ batchSize: 1024 }))
      for (let i = 0; i < b.size; i++) {
        const p = Math.min(1 - 1e-7, Math.max(1e-7, 1 / (1 + Math.exp(-this.logit(b, i)))));
        s -= b.labels[i] ? Math.log(p) : Math.log(1 - p);
        n++;
      }
    return s / n;
  }
}
