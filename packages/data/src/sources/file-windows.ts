// The shared driver of the line-based sources (criteo, avazu, csv): reads files in order, parses each line into a
// row, cuts rows into windows by the window rule, and yields each window as soon as it is complete. Reading pauses
// while the consumer works on a window, so memory holds one window (plus one read chunk), not the stream.
import type { BadRowSample, Window, WindowInfo } from '../types.js';
import { readChunks } from '../io/open-file.js';
import { LineSplitter } from '../io/lines.js';
import { RowBlock } from '../rows/row-block.js';
import { BadRowBudget, WindowBadRows } from '../rows/bad-rows.js';
import { type ParsedWindowRule, timeWindowId, timeWindowKey, timeWindowRange } from '../windows/window-rule.js';
import { countFileWindow, streamedFileWindow, type StreamedFileSpec } from './streamed-window.js';

/** One parsed row, written by a LineParser into reused arrays. */
export interface ParsedRow {
  dense: Float32Array;
  cat: Int32Array;
  label: number;
  /** Event time in ms since the epoch (NaN when the source has none). */
  time: number;
}

export interface LineParser {
  /** Called with each file's first non-empty line; returns true when it was a header (then it is not a row). */
  header?(buf: Buffer, start: number, end: number, file: string): boolean;
  /** Parses one data line into row; null when it is valid, else the reason it is not. */
  parse(buf: Buffer, start: number, end: number, row: ParsedRow): string | null;
}

export interface FileWindowOptions {
  files: {
    file: string;
    parser: LineParser;
    /** All rows of this file form one window (Criteo day_N). */
    fixedWindow?: { key: number; id: string; start: number; end: number };
    /**
     * With a fixed window: a parser giving the same buckets without recording collisions. The window is then
     * streamed from the file on every read instead of held in memory (see streamed-window.ts).
     */
    replayParser?: LineParser;
  }[];
  rule: ParsedWindowRule;
  numDense: number;
  numFields: number;
  maxRowsPerWindow?: number;
  maxWindows?: number;
  errorBudget: number;
  batchSize: number;
  what: string;
}

/** A window over rows held in a RowBlock: file order, or shuffled when the caller passes a shuffleSeed. */
export function materializedWindow(info: WindowInfo, block: RowBlock, batchSize: number): Window {
  return {
    ...info,
    batches(o?: { batchSize?: number; shuffleSeed?: number }) {
      return block.batches(o?.batchSize ?? batchSize, o?.shuffleSeed);
    },
  };
}

export async function* fileWindows(o: FileWindowOptions): AsyncGenerator<Window> {
  const { rule, numDense, numFields } = o;
  const maxRows = o.maxRowsPerWindow ?? Infinity;
  const budget = new BadRowBudget(o.errorBudget);
  const row: ParsedRow = { dense: new Float32Array(numDense), cat: new Int32Array(numFields), label: 0, time: NaN };
  const ready: Window[] = [];
  let index = 0;
  let key: number | null = null;
  const initialCapacity = (lastRows: number) =>
    Math.max(1024, Math.min(rule.kind === 'rows' ? rule.rows : Infinity, maxRows, lastRows || 1024));
  let block = new RowBlock(numDense, numFields, initialCapacity(0));
  let bad = new WindowBadRows();
  let fixed: FileWindowOptions['files'][number]['fixedWindow'];
  /** Valid rows so far (rows:N windows count these). */
  let goodIndex = 0;
  let windowFirstRow = 0;

  const close = () => {
    if (key === null) return;
    if (block.rows > 0) {
      let range: { start: number; end: number };
      let id: string;
      if (fixed) {
        range = { start: fixed.start, end: fixed.end };
        id = fixed.id;
      } else if (rule.kind === 'rows') {
        range = { start: windowFirstRow, end: windowFirstRow + block.rows };
        id = `rows-${key}`;
      } else {
        range = timeWindowRange(rule.kind, key);
        id = timeWindowId(rule.kind, key);
      }
      const info: WindowInfo = {
        index,
        id,
        start: range.start,
        end: range.end,
        rows: block.rows,
        badRows: bad.count,
        badRowSamples: bad.samples,
      };
      ready.push(materializedWindow(info, block, o.batchSize));
      index++;
      bad = new WindowBadRows();
    }
    // Otherwise the window had only skipped rows; its bad rows carry over to the next window.
    // The next window likely holds as many rows: start at that size rather than doubling up to it.
    block = new RowBlock(numDense, numFields, initialCapacity(block.rows));
    key = null;
    budget.check();
  };

  for (const spec of o.files) {
    const { file, parser } = spec;
    if (spec.fixedWindow && spec.replayParser) {
      close();
      while (ready.length) {
        yield ready.shift()!;
        if (o.maxWindows !== undefined && index - ready.length >= o.maxWindows) return;
      }
      const streamed: StreamedFileSpec = {
        file,
        parser,
        replayParser: spec.replayParser,
        numDense,
        numFields,
        maxRows,
        batchSize: o.batchSize,
      };
      const { rows, bad: fileBad } = await countFileWindow(streamed, budget);
      budget.check();
      if (rows > 0) {
        const f = spec.fixedWindow;
        yield streamedFileWindow(
          { index: index++, id: f.id, start: f.start, end: f.end, rows, badRows: fileBad.count, badRowSamples: fileBad.samples },
          streamed,
        );
        if (o.maxWindows !== undefined && index >= o.maxWindows) return;
      }
      continue;
    }
    if (spec.fixedWindow) {
      close();
      fixed = spec.fixedWindow;
    } else fixed = undefined;
    const lines = new LineSplitter(file);
    let sawFirst = false;
    const badRow = (lineNo: number, why: string) => {
      const sample: BadRowSample = { file, line: lineNo, reason: why };
      bad.add(sample);
      budget.recordBad(sample);
    };
    const onLine = (buf: Buffer, s: number, e: number, lineNo: number) => {
      if (s === e) return; // blank lines are not rows
      if (!sawFirst) {
        sawFirst = true;
        if (parser.header?.(buf, s, e, file)) return;
      }
      const reason = parser.parse(buf, s, e, row);
      if (reason !== null) return badRow(lineNo, reason);
      let k: number;
      if (fixed) k = fixed.key;
      else if (rule.kind === 'rows') k = Math.floor(goodIndex / rule.rows);
      else {
        if (!Number.isFinite(row.time)) return badRow(lineNo, 'bad timestamp');
        k = timeWindowKey(rule.kind, row.time);
      }
      if (key !== null && k < key) return badRow(lineNo, 'timestamp earlier than the current window (rows must be sorted by time)');
      if (key !== null && k > key) close();
      if (key === null) {
        key = k;
        windowFirstRow = goodIndex;
      }
      goodIndex++;
      budget.recordGood();
      if (block.rows < maxRows) block.push(row.dense, row.cat, row.label);
    };
    for await (const chunk of readChunks(file)) {
      lines.push(chunk, onLine);
      while (ready.length) {
        yield ready.shift()!;
        if (o.maxWindows !== undefined && index - ready.length >= o.maxWindows) return;
      }
    }
    lines.end(onLine);
    if (fixed) close();
  }
  close();
  budget.checkEnd(o.what);
  while (ready.length) {
    yield ready.shift()!;
    if (o.maxWindows !== undefined && index - ready.length >= o.maxWindows) return;
  }
}
