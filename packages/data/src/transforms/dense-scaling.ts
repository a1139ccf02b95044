// Causal standardisation of dense features (data.denseScaling; docs/method.md § Dense features): window t is
// served as (x − μ) / σ, clipped to ±DENSE_CLIP, with μ and σ the row-weighted mean and standard deviation of
// every earlier window. A window's own rows join the statistics only once the stream moves past it, so no model is
// evaluated or trained on window t with a scale that has seen window t. The first window has no past: it is scaled
// by its own statistics (features only, never labels), found by one extra read before it is yielded.
import type { Batch, Stream, Window } from '../types.js';

/** Standardised values are clipped to ±DENSE_CLIP: a feature far outside everything seen so far saturates. */
export const DENSE_CLIP = 5;

/** Per-feature mean and sum of squared deviations (Welford, merged across windows with Chan's formula). */
export class DenseMoments {
  n = 0;
  readonly mean: Float64Array;
  readonly m2: Float64Array;

  constructor(readonly numDense: number) {
    this.mean = new Float64Array(numDense);
    this.m2 = new Float64Array(numDense);
  }

  addBatch(b: Batch): void {
    const D = this.numDense;
    for (let i = 0; i < b.size; i++) {
      this.n++;
      const inv = 1 / this.n;
      for (let d = 0, o = i * D; d < D; d++) {
        const x = b.dense[o + d];
        const delta = x - this.mean[d];
        this.mean[d] += delta * inv;
        this.m2[d] += delta * (x - this.mean[d]);
      }
    }
  }

  merge(o: DenseMoments): void {
    if (o.n === 0) return;
    const n = this.n + o.n;
    for (let d = 0; d < this.numDense; d++) {
      const delta = o.mean[d] - this.mean[d];
      this.mean[d] += (delta * o.n) / n;
      this.m2[d] += o.m2[d] + (delta * delta * this.n * o.n) / n;
    }
    this.n = n;
  }

  /** The affine map (x − shift) · scale of these moments; a feature with no spread is only centred. */
  scaling(): { shift: Float32Array; scale: Float32Array } {
    const shift = new Float32Array(this.numDense);
    const scale = new Float32Array(this.numDense);
    for (let d = 0; d < this.numDense; d++) {
      shift[d] = this.n ? this.mean[d] : 0;
      const sd = this.n > 1 ? Math.sqrt(this.m2[d] / this.n) : 0;
      scale[d] = sd > 1e-12 ? 1 / sd : 1;
    }
    return { shift, scale };
  }
}

async function momentsOf(w: Window, numDense: number): Promise<DenseMoments> {
  const m = new DenseMoments(numDense);
  for await (const b of w.batches()) m.addBatch(b);
  return m;
}

/** A window whose batches carry standardised dense features (a copy: the source's arrays are never changed). */
function scaledWindow(w: Window, numDense: number, map: { shift: Float32Array; scale: Float32Array }, onFullRead: (m: DenseMoments) => void): Window {
  const { shift, scale } = map;
  return {
    ...w,
    batches(options) {
      const inner = w.batches(options);
      return {
        async *[Symbol.asyncIterator]() {
          const D = numDense;
          let out = new Float32Array(0);
          // The first complete read also gathers the window's moments, so moving on needs no extra read.
          const seen = options?.shuffleSeed === undefined ? new DenseMoments(D) : null;
          for await (const b of inner) {
            seen?.addBatch(b);
            if (out.length < b.dense.length) out = new Float32Array(b.dense.length);
            const x = b.dense;
            for (let i = 0; i < b.size; i++)
              for (let d = 0, o = i * D; d < D; d++) {
                const z = (x[o + d] - shift[d]) * scale[d];
                out[o + d] = z > DENSE_CLIP ? DENSE_CLIP : z < -DENSE_CLIP ? -DENSE_CLIP : z;
              }
            yield { size: b.size, dense: out.subarray(0, b.dense.length), cat: b.cat, labels: b.labels };
          }
          // Only an in-order read counts: the moments then never depend on how the consumer shuffled (a resumed
          // run, which skips windows and has them read here in order, gets bit-identical scales).
          if (seen) onFullRead(seen);
        },
      };
    },
  };
}

/** `stream` with causally standardised dense features (a stream without dense features is returned as is). */
export function causallyStandardized(stream: Stream): Stream {
  const D = stream.schema.denseNames.length;
  if (D === 0) return stream;
  return {
    ...stream,
    async *windows() {
      const past = new DenseMoments(D);
      for await (const w of stream.windows()) {
        const own = past.n === 0 ? await momentsOf(w, D) : null;
        let read: DenseMoments | null = null;
        yield scaledWindow(w, D, (own ?? past).scaling(), (m) => {
          read ??= m;
        });
        // The consumer is done with w: its rows join the past (read now if the consumer never read it whole).
        past.merge(own ?? read ?? (await momentsOf(w, D)));
      }
    },
  };
}
