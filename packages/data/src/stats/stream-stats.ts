// Per-window statistics of a stream, for `driftprune inspect` and the dashboard's dataset page: rows, label rate,
// malformed rows, distinct and new ids per field, and drift between consecutive windows (PSI).
// Ids are counted in hashed-bucket space (what the model sees). Memory: O(Σ table sizes) bits/counters, not rows.
import type { FieldCollisions, Stream, StreamSchema, WindowInfo } from '../types.js';
import { Rng } from '../random/rng.js';
import { binShares, psi, quantileEdges } from './psi.js';

export interface FieldWindowStats {
  name: string;
  /** Distinct buckets hit in this window. */
  distinct: number;
  /** Buckets hit in this window and never in an earlier one. */
  newIds: number;
  /** Share of this window's rows whose bucket is new (never hit in an earlier window). */
  newIdRowShare: number;
  /** PSI of this field's id distribution against the previous window (its top ids + the rest); null for the first. */
  psi: number | null;
}

export interface WindowStats extends Omit<WindowInfo, 'badRowSamples'> {
  badRowSamples: WindowInfo['badRowSamples'];
  positives: number;
  labelRate: number;
  fields: FieldWindowStats[];
  /** Mean of the fields' new-id row shares. */
  newIdRowShare: number;
  /** The drift score: mean PSI over categorical fields against the previous window (null for the first window). */
  psi: number | null;
  /** Mean PSI over dense features (previous window's deciles, on samples of ≤ 4096 values); null if none. */
  densePsi: number | null;
  denseMean: number[];
}

export interface StreamStats {
  schema: StreamSchema;
  windows: WindowStats[];
  totals: { windows: number; rows: number; positives: number; labelRate: number; badRows: number };
  hashing?: FieldCollisions[];
  /** The source's own counts (Stream.sourceCounts), e.g. clicks and negatives of the clicks source. */
  sourceCounts?: Record<string, number>;
}

export interface StatsOptions {
  /** Bins of the categorical PSI: the previous window's top-K buckets plus one for the rest. */
  topK?: number;
  /** Values per dense feature sampled per window for the dense PSI. */
  denseSample?: number;
  maxWindows?: number;
  batchSize?: number;
  /** Called after each window (progress). */
  onWindow?: (w: WindowStats) => void;
}

/** Per-field bucket counts for one window: typed arrays for tables ≤ 4M rows, maps above. */
class BucketCounts {
  private arr: Int32Array | null;
  private map: Map<number, number> | null;
  touched: number[] = [];
  constructor(size: number) {
    this.arr = size <= 1 << 22 ? new Int32Array(size) : null;
    this.map = this.arr ? null : new Map();
  }
  /** Adds one; returns true when it is the bucket's first hit in this window. */
  add(b: number): boolean {
    if (this.arr) {
      if (this.arr[b]++ === 0) {
        this.touched.push(b);
        return true;
      }
      return false;
    }
    const c = this.map!.get(b) ?? 0;
    this.map!.set(b, c + 1);
    if (c === 0) this.touched.push(b);
    return c === 0;
  }
  get(b: number): number {
    return this.arr ? this.arr[b] : (this.map!.get(b) ?? 0);
  }
  reset(): void {
    if (this.arr) for (const b of this.touched) this.arr[b] = 0;
    else this.map!.clear();
    this.touched = [];
  }
}

class Bitset {
  private w: Uint32Array;
  constructor(n: number) {
    this.w = new Uint32Array(Math.ceil(n / 32));
  }
  has(i: number): boolean {
    return (this.w[i >>> 5] & (1 << (i & 31))) !== 0;
  }
  set(i: number): void {
    this.w[i >>> 5] |= 1 << (i & 31);
  }
}

/** Reads every window's batches once and computes their statistics. */
export async function computeStats(stream: Stream, options: StatsOptions = {}): Promise<StreamStats> {
  const topK = options.topK ?? 20;
  const sampleSize = options.denseSample ?? 4096;
  const { schema } = stream;
  const F = schema.fieldNames.length;
  const D = schema.denseNames.length;
  const counts = schema.tableSizes.map((n) => new BucketCounts(n));
  const seen = schema.tableSizes.map((n) => new Bitset(n));
  let prevTop: { ids: number[]; shares: Float64Array }[] | null = null;
  let prevDense: { edges: number[]; shares: Float64Array }[] | null = null;
  const windows: WindowStats[] = [];
  const rng = new Rng(0x57a75);
  let n = 0;
  for await (const w of stream.windows()) {
    if (options.maxWindows !== undefined && n >= options.maxWindows) break;
    n++;
    let rows = 0;
    let positives = 0;
    const distinct = new Array<number>(F).fill(0);
    const newIds = new Array<number>(F).fill(0);
    const newRows = new Array<number>(F).fill(0);
    const denseSum = new Float64Array(D);
    const samples = Array.from({ length: D }, () => new Float64Array(sampleSize));
    for await (const b of w.batches(options.batchSize ? { batchSize: options.batchSize } : undefined)) {
      for (let i = 0; i < b.size; i++) {
        const r = rows + i;
        positives += b.labels[i];
        for (let f = 0; f < F; f++) {
          const id = b.cat[i * F + f];
          if (counts[f].add(id)) {
            distinct[f]++;
            if (!seen[f].has(id)) newIds[f]++;
          }
          if (!seen[f].has(id)) newRows[f]++;
        }
        // Reservoir sampling (algorithm R) of dense values.
        const slot = r < sampleSize ? r : rng.int(r + 1);
        for (let d = 0; d < D; d++) {
          const x = b.dense[i * D + d];
          denseSum[d] += x;
          if (slot < sampleSize) samples[d][slot] = x;
        }
      }
      rows += b.size;
    }
    const fields: FieldWindowStats[] = [];
    const top: { ids: number[]; shares: Float64Array }[] = [];
    for (let f = 0; f < F; f++) {
      const c = counts[f];
      let fpsi: number | null = null;
      if (prevTop && rows > 0) {
        const p = prevTop[f];
        const q = new Float64Array(p.shares.length);
        let rest = 1;
        for (let k = 0; k < p.ids.length; k++) {
          q[k] = c.get(p.ids[k]) / rows;
          rest -= q[k];
        }
        q[p.ids.length] = Math.max(rest, 0);
        fpsi = psi(p.shares, q);
      }
      // This window's top-K buckets, the bins of the next window's PSI.
      const ids = c.touched
        .slice()
        .sort((a, b) => c.get(b) - c.get(a) || a - b)
        .slice(0, topK);
      const shares = new Float64Array(ids.length + 1);
      let rest = 1;
      ids.forEach((id, k) => {
        shares[k] = rows ? c.get(id) / rows : 0;
        rest -= shares[k];
      });
      shares[ids.length] = Math.max(rest, 0);
      top.push({ ids, shares });
      for (const id of c.touched) seen[f].set(id);
      c.reset();
      fields.push({
        name: schema.fieldNames[f],
        distinct: distinct[f],
        newIds: newIds[f],
        newIdRowShare: rows ? newRows[f] / rows : 0,
        psi: fpsi,
      });
    }
    const dense: { edges: number[]; shares: Float64Array }[] = [];
    let densePsi: number | null = null;
    if (D > 0) {
      let sum = 0;
      for (let d = 0; d < D; d++) {
        const sample = samples[d].subarray(0, Math.min(rows, sampleSize));
        if (prevDense) sum += psi(prevDense[d].shares, binShares(prevDense[d].edges, sample));
        const edges = quantileEdges(sample);
        dense.push({ edges, shares: binShares(edges, sample) });
      }
      if (prevDense) densePsi = sum / D;
    }
    const psis = fields.map((f) => f.psi).filter((x): x is number => x !== null);
    const ws: WindowStats = {
      index: w.index,
      id: w.id,
      start: w.start,
      end: w.end,
      rows,
      badRows: w.badRows,
      badRowSamples: w.badRowSamples,
      positives,
      labelRate: rows ? positives / rows : 0,
      fields,
      newIdRowShare: F ? fields.reduce((s, f) => s + f.newIdRowShare, 0) / F : 0,
      psi: psis.length ? psis.reduce((a, b) => a + b, 0) / psis.length : null,
      densePsi,
      denseMean: Array.from(denseSum, (s) => (rows ? s / rows : 0)),
    };
    windows.push(ws);
    options.onWindow?.(ws);
    prevTop = top;
    prevDense = dense;
  }
  const rows = windows.reduce((s, w) => s + w.rows, 0);
  const positives = windows.reduce((s, w) => s + w.positives, 0);
  return {
    schema,
    windows,
    totals: {
      windows: windows.length,
      rows,
      positives,
      labelRate: rows ? positives / rows : 0,
      badRows: windows.reduce((s, w) => s + w.badRows, 0),
    },
    hashing: stream.hashCollisions?.(),
    sourceCounts: stream.sourceCounts?.(),
  };
}
