// Embedding lookup, done in JS on CPU: the tables stay in JS memory and only the gathered rows ([B, F, D]) enter
// the graph. Feeding a 166 MB table through onnxruntime would copy it every step (it has no in-place state).
// The backward of a lookup is a scatter-add: rows hit several times in a batch get the sum of their gradients.

/** out[b, f, :] = table[offsets[f] + cat[b, f], :]. */
export function gatherRows(table: Float32Array, D: number, offsets: Int32Array, cat: Int32Array, B: number, out: Float32Array): void {
  const F = offsets.length;
  for (let b = 0; b < B; b++) {
    for (let f = 0; f < F; f++) {
      const src = (offsets[f] + cat[b * F + f]) * D;
      const dst = (b * F + f) * D;
      for (let d = 0; d < D; d++) out[dst + d] = table[src + d];
    }
  }
}

/**
 * Sums the gradients of duplicate rows. Scratch arrays are reused across calls so that steady-state training
 * allocates nothing. Row order is first-seen order, which keeps updates deterministic.
 */
export class RowGradCoalescer {
  private stamp: Int32Array;
  private slot: Int32Array;
  private epoch = 0;
  rows = new Int32Array(0);
  grads = new Float32Array(0);
  count = 0;

  constructor(totalRows: number, readonly D: number) {
    this.stamp = new Int32Array(totalRows);
    this.slot = new Int32Array(totalRows);
  }

  coalesce(offsets: Int32Array, cat: Int32Array, B: number, grad: Float32Array): void {
    const F = offsets.length;
    const D = this.D;
    const n = B * F;
    if (this.rows.length < n) {
      this.rows = new Int32Array(n);
      this.grads = new Float32Array(n * D);
    }
    if (++this.epoch === 0x7fffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    const { stamp, slot, rows, grads, epoch } = this;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const r = offsets[i % F] + cat[i];
      const src = i * D;
      if (stamp[r] !== epoch) {
        stamp[r] = epoch;
        slot[r] = count;
        rows[count] = r;
        const dst = count * D;
        for (let d = 0; d < D; d++) grads[dst + d] = grad[src + d];
        count++;
      } else {
        const dst = slot[r] * D;
        for (let d = 0; d < D; d++) grads[dst + d] += grad[src + d];
      }
    }
    this.count = count;
  }
}

/** Checks that every id is inside its field's table; returns an error message or undefined. */
export function checkIds(cat: Int32Array, B: number, tableSizes: number[]): string | undefined {
  const F = tableSizes.length;
  for (let i = 0; i < B * F; i++) {
    const id = cat[i];
    const f = i % F;
    if (!(id >= 0 && id < tableSizes[f])) return `batch row ${Math.floor(i / F)}, field ${f}: id ${id} is outside the table (0 ≤ id < ${tableSizes[f]})`;
  }
  return undefined;
}
