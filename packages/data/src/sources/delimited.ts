// Delimited text (CSV/TSV) rows by column name: the parser behind the `csv` source (a user-given mapping) and
// `avazu` (a fixed mapping). Columns are found by the header line, or given as 0-based indices when there is none.
import type { CsvMapping } from '@driftprune/config';
import { DataError } from '../errors.js';
import type { DataConfig } from '@driftprune/config';
import type { Stream } from '../types.js';
import { FieldHasher, resolveTableSizes } from '../hash/field-hasher.js';
import type { ParsedWindowRule } from '../windows/window-rule.js';
import { parseNumber, splitFields } from '../rows/parse-bytes.js';
import { fileWindows, type LineParser, type ParsedRow } from './file-windows.js';

export type TimeFormat = CsvMapping['timeFormat'];

export interface DelimitedMapping {
  delimiter: string;
  /** 'required': the first line of every file is a header; 'auto': it is one when it names the label column; 'none'. */
  header: 'required' | 'auto' | 'none';
  /** Column names used when a file has no header (then mapping names may also be 0-based indices). */
  defaultColumns?: string[];
  label: string;
  time?: string;
  timeFormat: TimeFormat;
  dense: string[];
  categorical: string[];
  logDense: boolean;
  /** Adds categorical hour_of_day and day_of_week and dense hour_sin, hour_cos from the time column. */
  timeFeatures: boolean;
}

const MAX_COLUMNS = 4096;

/** Parses YYMMDDHH (Avazu's hour) as UTC ms; NaN if malformed. */
export function parseYymmddhh(buf: Uint8Array, s: number, e: number): number {
  if (e - s !== 8) return NaN;
  let v = 0;
  for (let p = s; p < e; p++) {
    const c = buf[p] - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  const yy = Math.floor(v / 1e6);
  const mm = Math.floor(v / 1e4) % 100;
  const dd = Math.floor(v / 100) % 100;
  const hh = v % 100;
  if (mm < 1 || mm > 12 || dd < 1 || dd > 31 || hh > 23) return NaN;
  const t = Date.UTC(2000 + yy, mm - 1, dd, hh);
  // Date.UTC rolls 31 Feb over into March: reject dates that do not exist.
  if (new Date(t).getUTCDate() !== dd) return NaN;
  return t;
}

export function parseTime(buf: Buffer, s: number, e: number, format: TimeFormat): number {
  if (format === 'yymmddhh') return parseYymmddhh(buf, s, e);
  if (format === 'iso') {
    if (e - s < 4 || e - s > 64) return NaN;
    return Date.parse(buf.toString('latin1', s, e));
  }
  const v = parseNumber(buf, s, e);
  if (!Number.isFinite(v)) return NaN;
  const ms = format === 'unix' ? v * 1000 : v;
  // Beyond ±275,000 years Date cannot represent it.
  return Math.abs(ms) <= 8.64e15 ? ms : NaN;
}

export function delimitedSchema(m: DelimitedMapping): { denseNames: string[]; fieldNames: string[] } {
  return {
    denseNames: [...m.dense, ...(m.timeFeatures ? ['hour_sin', 'hour_cos'] : [])],
    fieldNames: [...m.categorical, ...(m.timeFeatures ? ['hour_of_day', 'day_of_week'] : [])],
  };
}

export class DelimitedParser implements LineParser {
  private starts = new Int32Array(MAX_COLUMNS);
  private ends = new Int32Array(MAX_COLUMNS);
  private delim: number;
  private labelCol = -1;
  private timeCol = -1;
  private denseCols = new Int32Array(0);
  private catCols = new Int32Array(0);
  private numColumns = 0;
  private hourTokens: Uint8Array[] = Array.from({ length: 24 }, (_, h) => Buffer.from(String(h)));
  private dowTokens: Uint8Array[] = Array.from({ length: 7 }, (_, d) => Buffer.from(String(d)));

  constructor(
    private m: DelimitedMapping,
    private hasher: FieldHasher,
  ) {
    if (m.delimiter.length !== 1 || m.delimiter.charCodeAt(0) > 127)
      throw new DataError('BAD_OPTIONS', `the delimiter must be one ASCII character, got '${m.delimiter}'`);
    if (m.timeFeatures && !m.time) throw new DataError('BAD_OPTIONS', 'time features need a time column');
    this.delim = m.delimiter.charCodeAt(0);
    if (m.header === 'none' || m.defaultColumns) this.resolve(m.defaultColumns ?? [], '(no header)');
  }

  private resolve(columns: string[], file: string): void {
    const m = this.m;
    const find = (name: string, role: string): number => {
      const i = columns.indexOf(name);
      if (i >= 0) return i;
      if (/^\d+$/.test(name) && (m.header === 'none' || !columns.length)) return Number(name);
      throw new DataError(
        'BAD_HEADER',
        `${file}: no column '${name}' (${role}); columns are: ${columns.slice(0, 40).join(', ') || '(none: use 0-based indices)'}`,
        file,
        1,
      );
    };
    this.labelCol = find(m.label, 'label');
    this.timeCol = m.time ? find(m.time, 'time') : -1;
    this.denseCols = Int32Array.from(m.dense.map((c) => find(c, 'dense')));
    this.catCols = Int32Array.from(m.categorical.map((c) => find(c, 'categorical')));
    const used = [this.labelCol, this.timeCol, ...this.denseCols, ...this.catCols];
    this.numColumns = columns.length || Math.max(...used) + 1;
  }

  header(buf: Buffer, s: number, e: number, file: string): boolean {
    if (this.m.header === 'none') return false;
    const n = splitFields(buf, s, e, this.delim, this.starts, this.ends);
    if (n < 0) {
      if (this.m.header === 'required') throw new DataError('BAD_HEADER', `${file}:1: cannot read the header line`, file, 1);
      return false;
    }
    const names: string[] = [];
    for (let i = 0; i < n; i++) names.push(buf.toString('utf8', this.starts[i], this.ends[i]).trim());
    if (this.m.header === 'auto' && !names.includes(this.m.label)) return false;
    this.resolve(names, file);
    return true;
  }

  parse(buf: Buffer, s: number, e: number, row: ParsedRow): string | null {
    if (this.labelCol < 0) return 'no header line: the columns are unknown';
    const n = splitFields(buf, s, e, this.delim, this.starts, this.ends);
    if (n === -1) return 'unterminated or misplaced double quote';
    if (n === -2) return `more than ${MAX_COLUMNS} fields`;
    if (n !== this.numColumns) return `expected ${this.numColumns} fields, found ${n}`;
    const { starts, ends } = this;
    const label = parseNumber(buf, starts[this.labelCol], ends[this.labelCol]);
    if (label !== 0 && label !== 1) return `label (${this.m.label}) must be 0 or 1`;
    row.label = label;
    row.time = NaN;
    if (this.timeCol >= 0) {
      row.time = parseTime(buf, starts[this.timeCol], ends[this.timeCol], this.m.timeFormat);
      if (!Number.isFinite(row.time)) return `bad timestamp in column ${this.m.time} (format ${this.m.timeFormat})`;
    }
    const dc = this.denseCols;
    for (let d = 0; d < dc.length; d++) {
      const c = dc[d];
      if (starts[c] === ends[c]) {
        row.dense[d] = 0;
        continue;
      }
      const v = parseNumber(buf, starts[c], ends[c]);
      if (!Number.isFinite(v)) return `${this.m.dense[d]}: not a number`;
      row.dense[d] = this.m.logDense ? Math.log1p(Math.max(v, 0)) : v;
    }
    const cc = this.catCols;
    const h = this.hasher;
    for (let f = 0; f < cc.length; f++) row.cat[f] = h.bytes(f, buf, starts[cc[f]], ends[cc[f]]);
    if (this.m.timeFeatures) {
      const date = new Date(row.time);
      const hour = date.getUTCHours();
      const dow = date.getUTCDay();
      const F = cc.length;
      const ht = this.hourTokens[hour];
      const dt = this.dowTokens[dow];
      row.cat[F] = h.bytes(F, ht, 0, ht.length);
      row.cat[F + 1] = h.bytes(F + 1, dt, 0, dt.length);
      const D = dc.length;
      row.dense[D] = Math.sin((2 * Math.PI * hour) / 24);
      row.dense[D + 1] = Math.cos((2 * Math.PI * hour) / 24);
    }
    return null;
  }
}

/** A time-ordered stream over delimited files (Avazu, generic CSV): one hasher and parser shared by every file. */
export function delimitedStream(mapping: DelimitedMapping, files: string[], rule: ParsedWindowRule, config: DataConfig, trackCollisions: boolean): Stream {
  const names = delimitedSchema(mapping);
  const schema = { ...names, tableSizes: resolveTableSizes(config.hashSize, names.fieldNames.length) };
  const hasher = new FieldHasher(schema.fieldNames, schema.tableSizes, trackCollisions);
  const parser = new DelimitedParser(mapping, hasher);
  return {
    schema,
    hashCollisions: () => hasher.report(),
    windows: () =>
      fileWindows({
        files: files.map((file) => ({ file, parser })),
        rule,
        numDense: schema.denseNames.length,
        numFields: schema.fieldNames.length,
        maxRowsPerWindow: config.maxRowsPerWindow,
        maxWindows: config.maxWindows,
        errorBudget: config.errorBudget,
        batchSize: config.batchSize,
        what: config.path!,
      }),
  };
}
