// A window that is a whole file (a Criteo 1TB-log day_N: ~200M rows, far too many to hold): it is read once when the
// stream reaches it, to count its rows and malformed rows (and to count hash collisions), and then streamed from
// disk again on every batches() call, so memory is one batch plus one read chunk, whatever the file's size.
// Shuffled reads use a seeded shuffle buffer of up to 2^20 rows: an exact uniform permutation when the window fits
// in the buffer, a local shuffle (each row moves within about a buffer's length) when it does not.
import type { Batch, Window, WindowInfo } from '../types.js';
import { readChunks } from '../io/open-file.js';
import { LineSplitter } from '../io/lines.js';
import { RowBlock } from '../rows/row-block.js';
import type { BadRowBudget } from '../rows/bad-rows.js';
import { WindowBadRows } from '../rows/bad-rows.js';
import { Rng } from '../random/rng.js';
import type { LineParser, ParsedRow } from './file-windows.js';

export const SHUFFLE_BUFFER_ROWS = 1 << 20;

export interface StreamedFileSpec {
  file: string;
  /** Parses and records hash collisions: used by the counting read. */
  parser: LineParser;
  /** Same buckets, records nothing: used by every later read. */
  replayParser: LineParser;
  numDense: number;
  numFields: number;
  maxRows: number;
  batchSize: number;
  shuffleBufferRows?: number;
}

/** Reads the file once: rows and malformed rows, checked against the stream's error budget. */
export async function countFileWindow(spec: StreamedFileSpec, budget: BadRowBudget): Promise<{ rows: number; bad: WindowBadRows }> {
  const row: ParsedRow = { dense: new Float32Array(spec.numDense), cat: new Int32Array(spec.numFields), label: 0, time: NaN };
  const bad = new WindowBadRows();
  let rows = 0;
  const lines = new LineSplitter(spec.file);
  let first = true;
  const onLine = (buf: Buffer, s: number, e: number, lineNo: number) => {
    if (s === e || rows >= spec.maxRows) return;
    if (first) {
      first = false;
      if (spec.parser.header?.(buf, s, e, spec.file)) return;
    }
    const reason = spec.parser.parse(buf, s, e, row);
    if (reason === null) {
      rows++;
      budget.recordGood();
      return;
    }
    const sample = { file: spec.file, line: lineNo, reason };
    bad.add(sample);
    budget.recordBad(sample);
  };
  for await (const chunk of readChunks(spec.file)) {
    lines.push(chunk, onLine);
    if (rows >= spec.maxRows) break;
  }
  lines.end(onLine);
  return { rows, bad };
}

/** Copies row i of a block into a scratch row. */
function readRow(block: RowBlock, i: number, into: ParsedRow): ParsedRow {
  const D = block.numDense;
  const F = block.numFields;
  for (let d = 0; d < D; d++) into.dense[d] = block.dense[i * D + d];
  for (let f = 0; f < F; f++) into.cat[f] = block.cat[i * F + f];
  into.label = block.labels[i];
  return into;
}

/** Overwrites row i of a block. */
function setRow(block: RowBlock, i: number, row: ParsedRow): void {
  const D = block.numDense;
  const F = block.numFields;
  for (let d = 0; d < D; d++) block.dense[i * D + d] = row.dense[d];
  for (let f = 0; f < F; f++) block.cat[i * F + f] = row.cat[f];
  block.labels[i] = row.label;
}

async function* streamBatches(spec: StreamedFileSpec, rows: number, batchSize: number, shuffleSeed?: number): AsyncGenerator<Batch> {
  const { numDense: D, numFields: F } = spec;
  const row: ParsedRow = { dense: new Float32Array(D), cat: new Int32Array(F), label: 0, time: NaN };
  const scratch: ParsedRow = { dense: new Float32Array(D), cat: new Int32Array(F), label: 0, time: NaN };
  // Rows ready to be served, in order; full batches are served as views of it.
  const out = new RowBlock(D, F, Math.max(1024, batchSize * 2));
  const shuffle =
    shuffleSeed === undefined
      ? null
      : { rng: new Rng(shuffleSeed), buf: new RowBlock(D, F, 1024), cap: Math.min(rows, spec.shuffleBufferRows ?? SHUFFLE_BUFFER_ROWS) };
  let taken = 0;
  const lines = new LineSplitter(spec.file);
  let first = true;
  const onLine = (b: Buffer, s: number, e: number) => {
    if (s === e || taken >= rows) return;
    if (first) {
      first = false;
      if (spec.replayParser.header?.(b, s, e, spec.file)) return;
    }
    if (spec.replayParser.parse(b, s, e, row) !== null) return; // counted by the first read
    taken++;
    if (!shuffle) return out.push(row.dense, row.cat, row.label);
    const sb = shuffle.buf;
    if (sb.rows < shuffle.cap) return sb.push(row.dense, row.cat, row.label);
    // Buffer full: serve a random buffered row, put the new row in its place.
    const j = shuffle.rng.int(sb.rows);
    const r = readRow(sb, j, scratch);
    out.push(r.dense, r.cat, r.label);
    setRow(sb, j, row);
  };
  const serveFull = function* (): Generator<Batch> {
    let off = 0;
    while (out.rows - off >= batchSize) {
      yield {
        size: batchSize,
        dense: out.dense.subarray(off * D, (off + batchSize) * D),
        cat: out.cat.subarray(off * F, (off + batchSize) * F),
        labels: out.labels.subarray(off, off + batchSize),
      };
      off += batchSize;
    }
    if (off === 0) return;
    // Move the remainder to the front (the consumer has moved on from the served views).
    out.dense.copyWithin(0, off * D, out.rows * D);
    out.cat.copyWithin(0, off * F, out.rows * F);
    out.labels.copyWithin(0, off, out.rows);
    out.rows -= off;
  };
  for await (const chunk of readChunks(spec.file)) {
    lines.push(chunk, onLine);
    yield* serveFull();
    if (taken >= rows) break;
  }
  lines.end(onLine);
  if (shuffle) {
    // Drain the buffer in random order (Fisher–Yates: serve a random one of the first n, move row n − 1 into its slot).
    const sb = shuffle.buf;
    for (let n = sb.rows; n > 0; n--) {
      const j = shuffle.rng.int(n);
      const r = readRow(sb, j, scratch);
      out.push(r.dense, r.cat, r.label);
      if (j !== n - 1) setRow(sb, j, readRow(sb, n - 1, scratch));
      if (out.rows >= batchSize) yield* serveFull();
    }
  }
  yield* serveFull();
  if (out.rows > 0)
    yield {
      size: out.rows,
      dense: out.dense.subarray(0, out.rows * D),
      cat: out.cat.subarray(0, out.rows * F),
      labels: out.labels.subarray(0, out.rows),
    };
}

/** The window of a whole file, after its counting read. */
export function streamedFileWindow(info: Omit<WindowInfo, 'rows'> & { rows: number }, spec: StreamedFileSpec): Window {
  return {
    ...info,
    batches(o?: { batchSize?: number; shuffleSeed?: number }) {
      const B = o?.batchSize ?? spec.batchSize;
      if (!(B >= 1)) throw new Error(`batchSize must be ≥ 1, got ${B}`);
      return streamBatches(spec, info.rows, B, o?.shuffleSeed);
    },
  };
}
