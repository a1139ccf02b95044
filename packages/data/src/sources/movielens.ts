// MovieLens ratings as a CTR stream: label = rating ≥ positiveRating. Two layouts:
//   ml-100k: u.data (user \t item \t rating \t unix_ts) + u.user (id|age|gender|occupation|zip) + u.item (latin-1,
//            id|title|release|video|url|19 genre flags);
//   ml-latest / ml-20m / ml-25m: ratings.csv (userId,movieId,rating,timestamp) + movies.csv (movieId,title,genres).
// The files are not in time order, so ratings are loaded as columns (20 bytes a rating) and sorted by timestamp;
// each window's rows are then built when it is reached.
// Features: categorical user, item, age bucket, gender, occupation, zip prefix, genres (the set), hour of day, day of
// week; dense log(1 + ratings by this user so far), log(1 + ratings of this item so far) (both causal: earlier rows
// only), and the item's release year ((year − 1900) / 100, 0 if unknown).
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DataConfig } from '@driftprune/config';
import type { BadRowSample, Stream, Window } from '../types.js';
import { DataError } from '../errors.js';
import { FieldHasher, resolveTableSizes } from '../hash/field-hasher.js';
import { readChunks } from '../io/open-file.js';
import { LineSplitter } from '../io/lines.js';
import { RowBlock } from '../rows/row-block.js';
import { BadRowBudget, WindowBadRows } from '../rows/bad-rows.js';
import { parseNumber, splitFields } from '../rows/parse-bytes.js';
import { parseWindowRule, timeWindowId, timeWindowKey, timeWindowRange } from '../windows/window-rule.js';
import { materializedWindow } from './file-windows.js';

export const MOVIELENS_FIELDS = ['user', 'item', 'age', 'gender', 'occupation', 'zip3', 'genres', 'hour_of_day', 'day_of_week'];
export const MOVIELENS_DENSE = ['user_count_log', 'item_count_log', 'release_year'];

interface UserInfo {
  age: string;
  gender: string;
  occupation: string;
  zip3: string;
}
interface ItemInfo {
  genres: string;
  year: number;
}

export function ageBucket(age: number): string {
  if (!Number.isFinite(age)) return 'unknown';
  // The MovieLens-1M buckets.
  if (age < 18) return '<18';
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 50) return '45-49';
  if (age < 56) return '50-55';
  return '56+';
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** The first of `names` present in dir (each also tried with .gz). */
async function findIn(dir: string, names: string[]): Promise<string | undefined> {
  for (const n of names) for (const c of [n, `${n}.gz`]) if (await exists(join(dir, c))) return join(dir, c);
  return undefined;
}

async function readText(file: string, encoding: BufferEncoding): Promise<string> {
  let buf = await readFile(file);
  if (buf.length === 0) throw new DataError('EMPTY_FILE', `${file} is empty`, file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new DataError('CORRUPT_COMPRESSION', `${file}: corrupt gzip data (${(e as Error).message})`, file);
    }
  }
  return buf.toString(encoding);
}

const GENRES_100K = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

async function readUsers100k(file: string, bad: (line: number, reason: string) => void): Promise<Map<number, UserInfo>> {
  const users = new Map<number, UserInfo>();
  (await readText(file, 'latin1')).split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const p = line.trim().split('|');
    const id = Number(p[0]);
    if (p.length !== 5 || !Number.isInteger(id)) return bad(i + 1, 'expected id|age|gender|occupation|zip');
    users.set(id, { age: ageBucket(Number(p[1])), gender: p[2], occupation: p[3], zip3: p[4].slice(0, 3) });
  });
  return users;
}

async function readItems100k(file: string, bad: (line: number, reason: string) => void): Promise<Map<number, ItemInfo>> {
  const items = new Map<number, ItemInfo>();
  (await readText(file, 'latin1')).split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const p = line.replace(/\r$/, '').split('|');
    const id = Number(p[0]);
    if (p.length !== 24 || !Number.isInteger(id)) return bad(i + 1, 'expected 24 |-separated fields');
    const genres = GENRES_100K.filter((_, g) => p[5 + g] === '1').join('|');
    const y = /(\d{4})\s*$/.exec(p[2]);
    items.set(id, { genres: genres || 'none', year: y ? Number(y[1]) : NaN });
  });
  return items;
}

async function readMoviesCsv(file: string, bad: (line: number, reason: string) => void): Promise<Map<number, ItemInfo>> {
  const items = new Map<number, ItemInfo>();
  const text = Buffer.from(await readText(file, 'utf8'));
  const starts = new Int32Array(8);
  const ends = new Int32Array(8);
  const lines = new LineSplitter(file);
  lines.push(text, (buf, s, e, lineNo) => {
    if (lineNo === 1 || s === e) return;
    const n = splitFields(buf, s, e, 44, starts, ends);
    const id = n === 3 ? parseNumber(buf, starts[0], ends[0]) : NaN;
    if (!Number.isInteger(id)) return bad(lineNo, 'expected movieId,title,genres');
    const title = buf.toString('utf8', starts[1], ends[1]);
    const y = /\((\d{4})\)\s*$/.exec(title);
    const genres = buf.toString('utf8', starts[2], ends[2]).split('|').sort().join('|');
    items.set(id, { genres, year: y ? Number(y[1]) : NaN });
  });
  lines.end(() => {});
  return items;
}

/** Ratings as columns, grown by doubling. */
class RatingColumns {
  n = 0;
  user = new Int32Array(1024);
  item = new Int32Array(1024);
  rating = new Float32Array(1024);
  ts = new Float64Array(1024);
  push(u: number, i: number, r: number, t: number): void {
    if (this.n === this.user.length) {
      const grow = <T extends Int32Array | Float32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.user = grow(this.user);
      this.item = grow(this.item);
      this.rating = grow(this.rating);
      this.ts = grow(this.ts);
    }
    const k = this.n++;
    this.user[k] = u;
    this.item[k] = i;
    this.rating[k] = r;
    this.ts[k] = t;
  }
}

interface Loaded {
  ratings: RatingColumns;
  order: Uint32Array;
  users: Map<number, UserInfo> | null;
  items: Map<number, ItemInfo>;
  /** Malformed rows, with their time (NaN if unreadable). */
  bad: { ts: number; sample: BadRowSample }[];
  files: string[];
}

async function loadRatings(file: string, csv: boolean, budget: BadRowBudget, bad: Loaded['bad']): Promise<RatingColumns> {
  const cols = new RatingColumns();
  const delim = csv ? 44 : 9;
  const starts = new Int32Array(5);
  const ends = new Int32Array(5);
  const lines = new LineSplitter(file);
  const onLine = (buf: Buffer, s: number, e: number, lineNo: number) => {
    if (s === e) return;
    if (csv && lineNo === 1 && buf[s] === 117 /* u of userId */) return;
    const n = splitFields(buf, s, e, delim, starts, ends);
    const reject = (reason: string, ts = NaN) => {
      const sample = { file, line: lineNo, reason };
      bad.push({ ts, sample });
      budget.recordBad(sample);
    };
    if (n !== 4) return reject(`expected 4 ${csv ? 'comma' : 'tab'}-separated fields, found ${n < 0 ? 'more than 4' : n}`);
    const u = parseNumber(buf, starts[0], ends[0]);
    const i = parseNumber(buf, starts[1], ends[1]);
    const r = parseNumber(buf, starts[2], ends[2]);
    const t = parseNumber(buf, starts[3], ends[3]);
    const ts = Number.isInteger(t) && t >= 0 && t < 1e11 ? t * 1000 : NaN;
    if (!Number.isFinite(ts)) return reject('bad timestamp');
    if (!Number.isInteger(u) || u < 0 || u > 2 ** 31 - 1) return reject('user id is not a non-negative integer', ts);
    if (!Number.isInteger(i) || i < 0 || i > 2 ** 31 - 1) return reject('item id is not a non-negative integer', ts);
    if (!(r >= 0 && r <= 10)) return reject('rating is not a number in [0, 10]', ts);
    cols.push(u, i, r, ts);
    budget.recordGood();
  };
  for await (const chunk of readChunks(file)) lines.push(chunk, onLine);
  lines.end(onLine);
  return cols;
}

async function load(path: string, budget: BadRowBudget): Promise<Loaded> {
  let s;
  try {
    s = await stat(path);
  } catch {
    throw new DataError('FILE_NOT_FOUND', `no such file or directory: ${path}`, path);
  }
  const dir = s.isDirectory() ? path : dirname(path);
  const base = s.isDirectory() ? '' : basename(path).replace(/\.gz$/, '');
  const bad: Loaded['bad'] = [];
  const sideBad = (file: string) => (line: number, reason: string) => {
    const sample = { file, line, reason };
    bad.push({ ts: NaN, sample });
    budget.recordBad(sample);
  };
  const udata = base === 'u.data' ? path : base ? undefined : await findIn(dir, ['u.data']);
  if (udata) {
    const userFile = await findIn(dir, ['u.user']);
    const itemFile = await findIn(dir, ['u.item']);
    if (!userFile || !itemFile) throw new DataError('FILE_NOT_FOUND', `MovieLens-100K needs u.user and u.item beside ${udata}`, udata);
    const users = await readUsers100k(userFile, sideBad(userFile));
    const items = await readItems100k(itemFile, sideBad(itemFile));
    const ratings = await loadRatings(udata, false, budget, bad);
    return { ratings, order: sortByTime(ratings), users, items, bad, files: [udata, userFile, itemFile] };
  }
  const rcsv = base === 'ratings.csv' ? path : base ? undefined : await findIn(dir, ['ratings.csv']);
  if (rcsv) {
    const movies = await findIn(dir, ['movies.csv']);
    if (!movies) throw new DataError('FILE_NOT_FOUND', `ratings.csv needs movies.csv beside it (${dir})`, rcsv);
    const items = await readMoviesCsv(movies, sideBad(movies));
    const ratings = await loadRatings(rcsv, true, budget, bad);
    return { ratings, order: sortByTime(ratings), users: null, items, bad, files: [rcsv, movies] };
  }
  throw new DataError('FILE_NOT_FOUND', `no MovieLens ratings (u.data or ratings.csv, optionally .gz) at ${path}`, path);
}

function sortByTime(r: RatingColumns): Uint32Array {
  const order = new Uint32Array(r.n);
  for (let i = 0; i < r.n; i++) order[i] = i;
  const ts = r.ts;
  // Stable: equal timestamps keep file order.
  return order.sort((a, b) => ts[a] - ts[b] || a - b);
}

export async function openMovielens(config: DataConfig, options: { seed: number; trackCollisions?: boolean }): Promise<Stream> {
  const rule = parseWindowRule(config.window);
  const budget = new BadRowBudget(config.errorBudget);
  const data = await load(config.path!, budget);
  budget.checkEnd(config.path!);
  const tableSizes = resolveTableSizes(config.hashSize, MOVIELENS_FIELDS.length);
  const hasher = new FieldHasher(MOVIELENS_FIELDS, tableSizes, options.trackCollisions ?? true);
  const schema = { denseNames: MOVIELENS_DENSE, fieldNames: MOVIELENS_FIELDS, tableSizes };
  const { ratings, order } = data;
  const keyOf = (k: number) => (rule.kind === 'rows' ? Math.floor(k / rule.rows) : timeWindowKey(rule.kind, ratings.ts[order[k]]));

  // Malformed rows, attributed to the window of their timestamp when it is readable, else to the first window.
  const badByKey = new Map<number, WindowBadRows>();
  const firstKey = ratings.n ? keyOf(0) : 0;
  for (const b of data.bad) {
    const k = rule.kind !== 'rows' && Number.isFinite(b.ts) ? timeWindowKey(rule.kind, b.ts) : firstKey;
    if (!badByKey.has(k)) badByKey.set(k, new WindowBadRows());
    badByKey.get(k)!.add(b.sample);
  }

  // Side features hashed once per user / item.
  const userTokens = (u: number): string[] => {
    const info = data.users?.get(u);
    return info ? [info.age, info.gender, info.occupation, info.zip3] : ['unknown', 'unknown', 'unknown', 'unknown'];
  };
  const pos = config.positiveRating;

  async function* windows(): AsyncGenerator<Window> {
    const userCount = new Map<number, number>();
    const itemCount = new Map<number, number>();
    const userHashes = new Map<number, Int32Array>();
    const itemHashes = new Map<number, Int32Array>();
    const dense = new Float32Array(3);
    const cat = new Int32Array(MOVIELENS_FIELDS.length);
    let index = 0;
    let k = 0;
    // Bad rows of keys with no valid rows go with the next window that has some.
    const badKeys = [...badByKey.keys()].sort((a, b) => a - b);
    let nextBad = 0;
    while (k < ratings.n) {
      if (config.maxWindows !== undefined && index >= config.maxWindows) return;
      const key = keyOf(k);
      const block = new RowBlock(3, MOVIELENS_FIELDS.length);
      const first = k;
      for (; k < ratings.n && keyOf(k) === key; k++) {
        const r = order[k];
        const u = ratings.user[r];
        const it = ratings.item[r];
        const t = ratings.ts[r];
        const uc = userCount.get(u) ?? 0;
        const ic = itemCount.get(it) ?? 0;
        userCount.set(u, uc + 1);
        itemCount.set(it, ic + 1);
        if (config.maxRowsPerWindow !== undefined && block.rows >= config.maxRowsPerWindow) continue;
        let uh = userHashes.get(u);
        if (!uh) {
          const tok = userTokens(u);
          uh = Int32Array.from([
            hasher.string(0, String(u)),
            hasher.string(2, tok[0]),
            hasher.string(3, tok[1]),
            hasher.string(4, tok[2]),
            hasher.string(5, tok[3]),
          ]);
          userHashes.set(u, uh);
        }
        let ih = itemHashes.get(it);
        const item = data.items.get(it);
        if (!ih) {
          ih = Int32Array.from([hasher.string(1, String(it)), hasher.string(6, item?.genres ?? 'unknown')]);
          itemHashes.set(it, ih);
        }
        const d = new Date(t);
        cat[0] = uh[0];
        cat[1] = ih[0];
        cat[2] = uh[1];
        cat[3] = uh[2];
        cat[4] = uh[3];
        cat[5] = uh[4];
        cat[6] = ih[1];
        cat[7] = hasher.int(7, d.getUTCHours());
        cat[8] = hasher.int(8, d.getUTCDay());
        dense[0] = Math.log1p(uc);
        dense[1] = Math.log1p(ic);
        dense[2] = item && Number.isFinite(item.year) ? (item.year - 1900) / 100 : 0;
        block.push(dense, cat, ratings.rating[r] >= pos ? 1 : 0);
      }
      const bad = new WindowBadRows();
      for (; nextBad < badKeys.length && (badKeys[nextBad] <= key || k >= ratings.n); nextBad++) {
        const b = badByKey.get(badKeys[nextBad])!;
        for (const s of b.samples) bad.add(s);
        bad.count += b.count - b.samples.length;
      }
      const range = rule.kind === 'rows' ? { start: first, end: k } : timeWindowRange(rule.kind, key);
      const id = rule.kind === 'rows' ? `rows-${key}` : timeWindowId(rule.kind, key);
      yield materializedWindow(
        { index, id, start: range.start, end: range.end, rows: block.rows, badRows: bad.count, badRowSamples: bad.samples.slice(0, 5) },
        block,
        config.batchSize,
      );
      index++;
    }
  }

  return { schema, windows, hashCollisions: () => hasher.report() };
}
