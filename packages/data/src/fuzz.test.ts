// Random bytes into every parser: each must either read them or fail with a DataError (file, line, reason) —
// never throw anything else, never hang, never take the process down.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { openStream } from './open-stream.js';
import { DataError } from './errors.js';
import { computeStats } from './stats/stream-stats.js';
import { FieldHasher } from './hash/field-hasher.js';
import { CriteoParser } from './sources/criteo.js';
import { DelimitedParser } from './sources/delimited.js';
import { avazuMapping, AVAZU_CATEGORICAL } from './sources/avazu.js';
import type { ParsedRow } from './sources/file-windows.js';

const CLICKS_HEADER =
  'user_id,session_id,session_start,session_size,click_article_id,click_timestamp,click_environment,click_deviceGroup,click_os,click_country,click_region,click_referrer_type\n1,1,1506826329000,2,7,1506826800026,4,3,2,1,21,1\n';

const tmp = mkdtempSync(join(tmpdir(), 'driftprune-fuzz-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** Bytes that look a little like data: random bytes mixed with separators, digits and newlines. */
const noisyBytes = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.constantFrom('\t', ',', '\n', '\r\n', '"', '|', '0', '1', '-', '.', 'e', '14102100', '881250949', '').map((s) => Buffer.from(s)),
    ),
    { maxLength: 120 },
  )
  .map((parts) => Buffer.concat(parts));

const payload = fc.oneof(
  noisyBytes,
  fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
  noisyBytes.map((b) => gzipSync(b)), // valid gzip of noise
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.concat([Buffer.from([0x1f, 0x8b]), b])), // corrupt gzip
);

async function readAll(config: Record<string, unknown>): Promise<void> {
  try {
    const s = await openStream(config);
    await computeStats(s);
  } catch (e) {
    if (e instanceof DataError) {
      assert.ok(e.message.length > 0);
      return;
    }
    throw new Error(`not a DataError: ${(e as Error)?.stack ?? e}`);
  }
}

const cases: [string, (bytes: Buffer) => Record<string, unknown>][] = [
  ['criteo', (b) => ({ source: 'criteo', path: write('x.txt', b), window: 'rows:50' })],
  ['criteo day_N (streamed)', (b) => ({ source: 'criteo', path: dirname(write('day_0', b)), window: 'day' })],
  ['avazu', (b) => ({ source: 'avazu', path: write('train.csv', b), window: 'hour' })],
  [
    'csv',
    (b) => ({
      source: 'csv',
      path: write('x.csv', b),
      window: 'day',
      csv: { label: '0', time: '1', dense: ['2'], categorical: ['3'], header: false },
    }),
  ],
  [
    'csv (header)',
    (b) => ({ source: 'csv', path: write('y.csv', b), window: 'rows:10', csv: { label: 'y', dense: ['x'], categorical: ['c'] } }),
  ],
  ['clicks', (b) => ({ source: 'clicks', path: write('clicks.csv', b), window: 'hour' })],
  [
    'clicks (header)',
    (b) => ({
      source: 'clicks',
      path: write('clicks.csv', Buffer.concat([Buffer.from(CLICKS_HEADER), b])),
      window: 'rows:7',
      clicks: { negatives: { perClick: 2, sampling: 'uniform' } },
    }),
  ],
  ['movielens u.data', (b) => ({ source: 'movielens', path: mlDir('u.data', b), window: 'day' })],
  ['movielens u.user', (b) => ({ source: 'movielens', path: mlDir('u.user', b), window: 'week' })],
  ['movielens u.item', (b) => ({ source: 'movielens', path: mlDir('u.item', b), window: 'day' })],
  ['movielens ratings.csv', (b) => ({ source: 'movielens', path: mlCsvDir('ratings.csv', b), window: 'day' })],
  ['movielens movies.csv', (b) => ({ source: 'movielens', path: mlCsvDir('movies.csv', b), window: 'rows:5' })],
];

function write(name: string, b: Buffer): string {
  const d = join(tmp, `c${n++}`);
  mkdirSync(d);
  const f = join(d, name);
  writeFileSync(f, b);
  return f;
}

function mlDir(fuzzed: string, b: Buffer): string {
  const d = join(tmp, `ml${n++}`);
  mkdirSync(d);
  const files: Record<string, string | Buffer> = {
    'u.data': '1\t1\t5\t881250949\n2\t1\t3\t881250950\n',
    'u.user': '1|24|M|technician|85711\n2|53|F|other|94043\n',
    'u.item': '1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n',
  };
  files[fuzzed] = b;
  for (const [k, v] of Object.entries(files)) writeFileSync(join(d, k), v);
  return d;
}

function mlCsvDir(fuzzed: string, b: Buffer): string {
  const d = join(tmp, `mlc${n++}`);
  mkdirSync(d);
  const files: Record<string, string | Buffer> = {
    'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n',
    'movies.csv': 'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n',
  };
  files[fuzzed] = b;
  for (const [k, v] of Object.entries(files)) writeFileSync(join(d, k), v);
  return d;
}

for (const [name, config] of cases)
  test(`fuzz: random bytes into the ${name} reader end in data or a DataError`, { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(payload, async (bytes) => readAll(config(bytes))),
      { numRuns: 40 },
    );
  });

test('fuzz: line parsers return a reason or null for any bytes, never throw', () => {
  const criteo = new CriteoParser(
    new FieldHasher(
      Array.from({ length: 26 }, (_, i) => `C${i}`),
      new Array(26).fill(1000),
      true,
    ),
  );
  const avazuFields = [...AVAZU_CATEGORICAL, 'hour_of_day', 'day_of_week'];
  const avazu = new DelimitedParser(avazuMapping, new FieldHasher(avazuFields, new Array(avazuFields.length).fill(1000), true));
  const row: ParsedRow = { dense: new Float32Array(13), cat: new Int32Array(26), label: 0, time: 0 };
  const arow: ParsedRow = { dense: new Float32Array(2), cat: new Int32Array(avazuFields.length), label: 0, time: 0 };
  fc.assert(
    fc.property(noisyBytes, (b) => {
      const r1 = criteo.parse(b, 0, b.length, row);
      const r2 = avazu.parse(b, 0, b.length, arow);
      assert.ok(r1 === null || typeof r1 === 'string');
      assert.ok(r2 === null || typeof r2 === 'string');
      if (r1 === null) assert.ok(row.cat.every((c) => c >= 0 && c < 1000) && row.dense.every(Number.isFinite));
      if (r2 === null) assert.ok(arow.cat.every((c) => c >= 0 && c < 1000) && Number.isFinite(arow.time));
    }),
    { numRuns: 3000 },
  );
});
