// The contract between data streams and everything that trains on them.
// A stream yields windows in time order; a window yields mini-batches of typed arrays.

/** One mini-batch, row-major. Arrays may be reused by the producer after the consumer's next `await`. */
export interface Batch {
  /** Rows in this batch (the last batch of a window may be short). */
  size: number;
  /** size × numDense dense features, already transformed (e.g. log(1+x)). */
  dense: Float32Array;
  /** size × numFields categorical ids, each already hashed into its field's table: 0 ≤ id < tableSizes[f]. */
  cat: Int32Array;
  /** size labels, 0 or 1. */
  labels: Float32Array;
}

export interface StreamSchema {
  denseNames: string[];
  fieldNames: string[];
  /** Rows of each categorical field's embedding table (the hash size). */
  tableSizes: number[];
}

export interface BadRowSample {
  file: string;
  line: number;
  reason: string;
}

export interface WindowInfo {
  /** 0, 1, 2, … in time order. */
  index: number;
  /** A readable id: `1997-09-20` (day), `1997-W38` (week), `14102100` (hour), `rows-0` (rows:N). */
  id: string;
  /** Start and end of the window's time range in ms since the epoch (row indices for rows:N windows). */
  start: number;
  end: number;
  rows: number;
  /** Malformed rows skipped in this window, with the first few examples. */
  badRows: number;
  badRowSamples: BadRowSample[];
}

export interface Window extends WindowInfo {
  /**
   * The window's mini-batches. Re-iterable and deterministic: the runner evaluates every model on a window
   * before training on it, so it may iterate twice. `shuffleSeed` shuffles rows within the window.
   */
  batches(options?: { batchSize?: number; shuffleSeed?: number }): AsyncIterable<Batch>;
}

/** Hash collisions of one categorical field, counted over every value this stream has hashed so far. */
export interface FieldCollisions {
  field: string;
  tableSize: number;
  /** Hash lookups made (one per parsed row). */
  lookups: number;
  /** Buckets that received at least one value. */
  bucketsUsed: number;
  /** Buckets shared by two or more distinct raw values. */
  collidingBuckets: number;
  /** Lookups whose value differs from the first value seen in its bucket. */
  collidedLookups: number;
  /** False when the table is too large to track (then only `lookups` is meaningful). */
  tracked: boolean;
}

export interface Stream {
  schema: StreamSchema;
  /** Windows in time order, produced lazily (bounded memory). */
  windows(): AsyncIterable<Window>;
  /** Hash collisions per field so far (streams that hash raw values provide it). */
  hashCollisions?(): FieldCollisions[];
  /** Counts particular to the source so far, e.g. the clicks source's clicks, negatives and short draws. */
  sourceCounts?(): Record<string, number>;
}
