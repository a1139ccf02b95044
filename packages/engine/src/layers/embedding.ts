// Embedding lookup, done in JS on CPU: the tables stay in JS memory and only the gathered rows ([B, F, D]) enter
// the graph. Feeding a 166 MB table through onnxruntime would copy it every step (it has no in-place state).
// The backward of a lookup is a scatter-add: rows hit several times in a batch get the sum of their gradients.

/** out[b, f, :] = table[offsets[f] + cat[b, f], :]. */
export function gatherRows(table: Float32Array, D: number, offsets: Int32Array, cat: Int32Array, B: number, out: Float32Array): void {
  const F = offsets.length;
  if (D % 2 === 0 && table.byteOffset % 8 === 0 && out.byteOffset % 8 === 0) {
    // Rows copied as pairs of floats through Float64Array views: half the loop trips, ≈35 % faster. Only bit
    // patterns that are NaN as doubles could change, i.e. NaN embeddings with unusual payloads (training has
    // diverged by then).
    const t = new Float64Array(table.buffer, table.byteOffset, table.length >> 1);
    const o = new Float64Array(out.buffer, out.byteOffset, out.length >> 1);
    const H = D >> 1;
    let dst = 0;
    for (let b = 0; b < B; b++) {
      for (let f = 0; f < F; f++) {
        let src = (offsets[f] + cat[b * F + f]) * H;
        for (let d = 0; d < H; d++) o[dst++] = t[src++];
      }
    }
    return;
  }
  for (let b = 0; b < B; b++) {
    for (let f = 0; f < F; f++) {
      const src = (offsets[f] + cat[b * F + f]) * D;
      const dst = (b * F + f) * D;
      for (let d = 0; d < D; d++) out[dst + d] = table[src + d];
    }
  }
}

/** Open-addressing hash set of row ids sized to a batch (it stays in cache, unlike a per-row array of the table). */
export class RowSet {
  keys = new Int32Array(0);
  /** Insertion index of each key (parallel to keys). */
  vals = new Int32Array(0);
  private mask = 0;
  private shift = 32;

  /** Empties the set and makes room for `n` keys at load ≤ 1/2. */
  reset(n: number): void {
    let cap = 16;
    while (cap < 2 * n) cap *= 2;
    if (this.keys.length !== cap) {
      this.keys = new Int32Array(cap);
      this.vals = new Int32Array(cap);
      this.mask = cap - 1;
      this.shift = 32 - Math.log2(cap);
    }
    this.keys.fill(-1);
  }

  /** The slot of `r`: keys[slot] === r when present, −1 when free. */
  slot(r: number): number {
    const { keys, mask } = this;
    let h = Math.imul(r, 0x9e3779b1) >>> this.shift;
    while (keys[h] !== -1 && keys[h] !== r) h = (h + 1) & mask;
    return h;
  }

  has(r: number): boolean {
    return this.keys[this.slot(r)] === r;
  }

  /** Adds every row the batch touches. */
  addBatch(offsets: Int32Array, cat: Int32Array, B: number): void {
    const F = offsets.length;
    this.reset(B * F);
    for (let i = 0; i < B * F; i++) {
      const r = offsets[i % F] + cat[i];
      const h = this.slot(r);
      this.keys[h] = r;
    }
  }
}

/**
 * Sums the gradients of duplicate rows. Row order is first-seen order, which keeps updates deterministic.
 * Buffers are reused across calls (and may be supplied, e.g. shared with a worker), so steady-state training
 * allocates nothing.
 */
export class RowGradCoalescer {
  private set = new RowSet();
  rows: Int32Array = new Int32Array(0);
  grads: Float32Array = new Float32Array(0);
  count = 0;

  constructor(
    readonly D: number,
    /** Allocates the output arrays (shared memory when a worker reads them). */
    private readonly alloc: (rows: number, D: number) => { rows: Int32Array; grads: Float32Array } = (n, d) => ({ rows: new Int32Array(n), grads: new Float32Array(n * d) }),
  ) {}

  coalesce(offsets: Int32Array, cat: Int32Array, B: number, grad: Float32Array): void {
    const F = offsets.length;
    const D = this.D;
    const n = B * F;
    if (this.rows.length < n) ({ rows: this.rows, grads: this.grads } = this.alloc(n, D));
    const set = this.set;
    set.reset(n);
    const { keys, vals } = set;
    const { rows, grads } = this;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const r = offsets[i % F] + cat[i];
      const src = i * D;
      const h = set.slot(r);
      if (keys[h] !== r) {
        keys[h] = r;
        vals[h] = count;
        rows[count] = r;
        const dst = count * D;
        for (let d = 0; d < D; d++) grads[dst + d] = grad[src + d];
        count++;
      } else {
        const dst = vals[h] * D;
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
