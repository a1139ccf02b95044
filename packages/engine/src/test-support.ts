// Helpers shared by the engine's tests and benchmark: deterministic batches, a teacher, error measures.
import type { Batch } from '@driftprune/data';
import { Rng } from './rng.js';
import type { DlrmShape } from './types.js';

/** A deterministic batch: dense ~ N(0,1), ids uniform, labels from `label` (or coin flips). */
export function makeBatch(shape: DlrmShape, B: number, seed: number, label?: (dense: Float32Array, cat: Int32Array, row: number) => number): Batch {
  const rng = new Rng(seed);
  const F = shape.tableSizes.length;
  const dense = Float32Array.from({ length: B * shape.numDense }, () => rng.normal());
  const cat = Int32Array.from({ length: B * F }, (_, i) => Math.floor(rng.next() * shape.tableSizes[i % F]));
  const labels = Float32Array.from({ length: B }, (_, r) => (label ? label(dense, cat, r) : rng.next() < 0.5 ? 1 : 0));
  return { size: B, dense, cat, labels };
}

/** ‖a − b‖∞ / max(‖b‖∞, floor): the relative error used by every gradient check. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let num = 0;
  let den = floor;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
