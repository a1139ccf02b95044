// Criteo TSV: `label \t I1..I13 \t C1..C26` (Kaggle DAC train.txt and the 1TB log's day_N files, plain or gzip).
// Dense: log(1 + max(x, 0)), missing → 0. Categorical: the raw token's bytes hashed per field (missing = the empty
// token, which hashes like any other value). No timestamps: windows by rows, or one window per day_N file.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataConfig } from '@driftprune/config';
import type { Stream, StreamSchema } from '../types.js';
import { DataError } from '../errors.js';
import { FieldHasher, resolveTableSizes } from '../hash/field-hasher.js';
import { fmix32 } from '../hash/murmur3.js';
import { parseWindowRule } from '../windows/window-rule.js';
import { fileWindows, type LineParser, type ParsedRow } from './file-windows.js';

export const CRITEO_DENSE = Array.from({ length: 13 }, (_, i) => `I${i + 1}`);
export const CRITEO_FIELDS = Array.from({ length: 26 }, (_, i) => `C${i + 1}`);
const NUM_COLUMNS = 40;
/** log(1 + x) of small counts, looked up: most Criteo integer features are small. */
const LOG1P = Float32Array.from({ length: 4096 }, (_, x) => Math.log1p(x));

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

export class CriteoParser implements LineParser {
  private starts = new Int32Array(NUM_COLUMNS);
  private ends = new Int32Array(NUM_COLUMNS);
  private hashes = new Float64Array(26);
  private viewBuf: Uint8Array | null = null;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  constructor(private hasher: FieldHasher) {}

  /** A DataView over the line's buffer, kept while lines come from the same read chunk. */
  private viewOf(buf: Uint8Array): DataView<ArrayBufferLike> {
    if (buf !== this.viewBuf) {
      this.viewBuf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    return this.view;
  }

  /**
   * One pass over the line: label, integers and the MurmurHash3 of each token computed while scanning (the same
   * values as murmur3Bytes, checked by a property test). Any irregularity falls back to parseCareful, which finds
   * the exact reason. Buckets are recorded only once the whole row is known to be valid.
   */
  parse(buf: Buffer, s: number, e: number, row: ParsedRow): string | null {
    let p = s;
    const c0 = buf[p];
    if ((c0 !== 48 && c0 !== 49) || p + 1 >= e || buf[p + 1] !== 9) return this.parseCareful(buf, s, e, row);
    p += 2;
    const dense = row.dense;
    for (let d = 0; d < 13; d++) {
      let neg = false;
      if (buf[p] === 45) {
        neg = true;
        p++;
      }
      let v = 0;
      let digits = 0;
      for (;;) {
        if (p >= e) return this.parseCareful(buf, s, e, row);
        const c = buf[p];
        if (c === 9) break;
        const x = c - 48;
        if (x < 0 || x > 9) return this.parseCareful(buf, s, e, row);
        v = v * 10 + x;
        digits++;
        p++;
      }
      if (neg && digits === 0) return this.parseCareful(buf, s, e, row);
      dense[d] = neg ? 0 : v < 4096 ? LOG1P[v] : Math.log1p(v);
      p++;
    }
    const seeds = this.hasher.seeds;
    const hashes = this.hashes;
    const view = this.viewOf(buf);
    for (let f = 0; f < 26; f++) {
      const start = p;
      let h = seeds[f];
      // 4 bytes a read (little-endian, so byte p is the low byte): a tab among them ends the token, and the bytes
      // before it are the 0–3 byte tail. Closer than 4 bytes to the line's end, byte by byte.
      let k = 0;
      for (;;) {
        if (p + 4 > e) {
          let t = 0;
          while (p < e && buf[p] !== 9) {
            k |= buf[p] << (8 * t);
            t++;
            p++;
          }
          break;
        }
        const v = view.getInt32(p, true);
        // Bytes equal to a tab become zero; the lowest set bit of z marks the first one (SWAR "has zero byte").
        const x = v ^ 0x09090909;
        const z = (x - 0x01010101) & ~x & 0x80808080;
        if (z !== 0) {
          const t = (31 - Math.clz32(z & -z)) >>> 3;
          k = v & ((1 << (8 * t)) - 1); // the t tail bytes (none when t is 0)
          p += t;
          break;
        }
        let b = Math.imul(v, C1);
        b = (b << 15) | (b >>> 17);
        b = Math.imul(b, C2);
        h ^= b;
        h = (h << 13) | (h >>> 19);
        h = (Math.imul(h, 5) + 0xe6546b64) | 0;
        p += 4;
      }
      if (((p - start) & 3) !== 0) {
        k = Math.imul(k, C1);
        k = (k << 15) | (k >>> 17);
        k = Math.imul(k, C2);
        h ^= k;
      }
      h ^= p - start;
      hashes[f] = fmix32(h);
      if (f < 25) {
        if (p >= e) return this.parseCareful(buf, s, e, row);
        p++;
      } else if (p !== e) return this.parseCareful(buf, s, e, row);
    }
    row.label = c0 - 48;
    const cat = row.cat;
    const hasher = this.hasher;
    for (let f = 0; f < 26; f++) cat[f] = hasher.bucketOf(f, hashes[f]);
    row.time = NaN;
    return null;
  }

  /** Field by field, with the exact reason when the row is malformed. */
  parseCareful(buf: Buffer, s: number, e: number, row: ParsedRow): string | null {
    const starts = this.starts;
    const ends = this.ends;
    // Field boundaries first, so a short or long row is rejected before anything is hashed.
    let n = 0;
    let p = s;
    for (;;) {
      let q = p;
      while (q < e && buf[q] !== 9) q++;
      if (n < NUM_COLUMNS) {
        starts[n] = p;
        ends[n] = q;
      }
      n++;
      if (q >= e) break;
      p = q + 1;
    }
    if (n !== NUM_COLUMNS) return `expected ${NUM_COLUMNS} tab-separated fields, found ${n}`;
    if (ends[0] - starts[0] !== 1 || (buf[starts[0]] !== 48 && buf[starts[0]] !== 49)) return 'label must be 0 or 1';
    row.label = buf[starts[0]] - 48;
    const dense = row.dense;
    for (let d = 0; d < 13; d++) {
      let q = starts[d + 1];
      const qe = ends[d + 1];
      if (q === qe) {
        dense[d] = 0;
        continue;
      }
      let neg = false;
      if (buf[q] === 45) {
        neg = true;
        q++;
        if (q === qe) return `${CRITEO_DENSE[d]}: not an integer`;
      }
      let v = 0;
      for (; q < qe; q++) {
        const c = buf[q] - 48;
        if (c < 0 || c > 9) return `${CRITEO_DENSE[d]}: not an integer`;
        v = v * 10 + c;
      }
      dense[d] = neg ? 0 : v < 4096 ? LOG1P[v] : Math.log1p(v);
    }
    const cat = row.cat;
    const h = this.hasher;
    for (let f = 0; f < 26; f++) cat[f] = h.bytes(f, buf, starts[f + 14], ends[f + 14]);
    row.time = NaN;
    return null;
  }
}

const DAY_FILE = /^day_(\d+)(\.gz)?$/;

/** The files of a Criteo path: a file, or a directory of day_N files (or one train.txt / train.csv). */
export async function criteoFiles(path: string): Promise<{ file: string; day?: number }[]> {
  let s;
  try {
    s = await stat(path);
  } catch {
    throw new DataError('FILE_NOT_FOUND', `no such file or directory: ${path}`, path);
  }
  if (!s.isDirectory()) {
    const m = DAY_FILE.exec(path.split('/').pop()!);
    return [{ file: path, day: m ? Number(m[1]) : undefined }];
  }
  const names = await readdir(path);
  const days = names
    .map((n) => ({ n, m: DAY_FILE.exec(n) }))
    .filter((x) => x.m)
    .map((x) => ({ file: join(path, x.n), day: Number(x.m![1]) }))
    .sort((a, b) => a.day - b.day);
  if (days.length) return days;
  // Kaggle's train.txt; some copies (such as the shared head sample) name the same TSV train.csv.
  const train = names.find((n) => /^train\.txt(\.gz)?$/.test(n)) ?? names.find((n) => /^train\.csv(\.gz)?$/.test(n));
  if (train) return [{ file: join(path, train) }];
  throw new DataError('FILE_NOT_FOUND', `no day_N, train.txt or train.csv files in ${path}; pass the data file itself as data.path`, path);
}

export async function openCriteo(config: DataConfig, options: { seed: number; trackCollisions?: boolean }): Promise<Stream> {
  const files = await criteoFiles(config.path!);
  const rule = parseWindowRule(config.window);
  const allDays = files.every((f) => f.day !== undefined);
  if (rule.kind !== 'rows' && !(rule.kind === 'day' && allDays))
    throw new DataError(
      'BAD_OPTIONS',
      `criteo rows have no timestamps: use window rows:N` +
        (rule.kind === 'day' ? " (window day needs the 1TB log's day_N files, one window each)" : ''),
    );
  const schema: StreamSchema = { denseNames: CRITEO_DENSE, fieldNames: CRITEO_FIELDS, tableSizes: resolveTableSizes(config.hashSize, 26) };
  const hasher = new FieldHasher(CRITEO_FIELDS, schema.tableSizes, options.trackCollisions ?? true);
  const parser = new CriteoParser(hasher);
  // Whole day_N windows are streamed from disk on each read; re-reads hash without recording collisions again.
  const replayParser = new CriteoParser(new FieldHasher(CRITEO_FIELDS, schema.tableSizes, false));
  const DAY = 86_400_000;
  return {
    schema,
    hashCollisions: () => hasher.report(),
    windows: () =>
      fileWindows({
        files: files.map((f) => ({
          file: f.file,
          parser,
          fixedWindow: rule.kind === 'day' ? { key: f.day!, id: `day_${f.day}`, start: f.day! * DAY, end: (f.day! + 1) * DAY } : undefined,
          replayParser: rule.kind === 'day' ? replayParser : undefined,
        })),
        rule,
        numDense: 13,
        numFields: 26,
        maxRowsPerWindow: config.maxRowsPerWindow,
        maxWindows: config.maxWindows,
        errorBudget: config.errorBudget,
        batchSize: config.batchSize,
        what: config.path!,
      }),
  };
}
