import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStream } from '../open-stream.js';
import { computeStats } from '../stats/stream-stats.js';
import { collect, windowInfos } from '../testing/collect.js';
import { shared, skipUnlessShared } from '../testing/shared-data.js';
import { MOVIELENS_DENSE, MOVIELENS_FIELDS, ageBucket } from './movielens.js';

const skip = skipUnlessShared('movielens-100k');
const tmp = mkdtempSync(join(tmpdir(), 'driftprune-ml-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('movielens-100k by day: 213 windows, 100,000 ratings, label rate 0.554, in time order', { skip }, async () => {
  const s = await openStream({ source: 'movielens', path: shared('movielens-100k'), window: 'day' });
  assert.deepEqual(s.schema.fieldNames, MOVIELENS_FIELDS);
  assert.deepEqual(s.schema.denseNames, MOVIELENS_DENSE);
  const stats = await computeStats(s);
  assert.equal(stats.totals.windows, 213);
  assert.equal(stats.totals.rows, 100_000);
  assert.equal(stats.totals.labelRate.toFixed(3), '0.554');
  assert.equal(stats.totals.badRows, 0);
  assert.equal(stats.windows[0].id, '1997-09-20');
  assert.equal(stats.windows.at(-1)!.id, '1998-04-22');
  for (let i = 1; i < stats.windows.length; i++) assert.ok(stats.windows[i].start >= stats.windows[i - 1].end);
  // 943 users and 1,682 items in all.
  const users = stats.windows.reduce((s, w) => s + w.fields[0].newIds, 0);
  assert.ok(users <= 943 && users > 900, `${users} user buckets`);
});

test('movielens-100k by week: 32 ISO weeks; positiveRating moves the label rate', { skip }, async () => {
  const weeks = await windowInfos(await openStream({ source: 'movielens', path: shared('movielens-100k', 'u.data.gz'), window: 'week' }));
  // Monday 1997-09-15 (the week of the first rating, a Saturday) to Monday 1998-04-20: 217 days = 31 weeks later, so
  // 32 ISO weeks. (The data README's "33 weeks" counts strftime %W numbers per year, which splits the week of 1 January.)
  assert.equal(weeks.length, 32);
  assert.equal(weeks[0].id, '1997-W38');
  assert.equal(
    weeks.reduce((s, w) => s + w.rows, 0),
    100_000,
  );
  let positives = 0;
  let rows = 0;
  const five = await openStream({ source: 'movielens', path: shared('movielens-100k'), window: 'week', positiveRating: 5 });
  for await (const w of five.windows())
    for await (const b of w.batches({ batchSize: 4096 })) {
      rows += b.size;
      for (const y of b.labels) positives += y;
    }
  // 21,201 ratings of 5 in MovieLens-100K.
  assert.equal(rows, 100_000);
  assert.equal(positives, 21_201);
});

test('movielens (ratings.csv + movies.csv): sorted by time, causal counters, quoted titles, side features unknown', async () => {
  const dir = join(tmp, 'ml-latest-small');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'movies.csv'),
    'movieId,title,genres\n1,"Sabrina, the Witch (1995)",Comedy|Romance\n2,Heat (1995),Action|Crime|Thriller\n3,Untitled,(no genres listed)\n',
  );
  const day = 86_400;
  writeFileSync(
    join(dir, 'ratings.csv'),
    [
      'userId,movieId,rating,timestamp',
      `1,2,4.5,${3 * day + 10}`,
      `1,1,3.0,${day + 5}`,
      `2,1,4.0,${day + 7}`,
      `2,3,5.0,${3 * day + 1}`,
      `3,9,1.0,${2 * day}`,
    ].join('\n') + '\n',
  );
  const ws = await collect(await openStream({ source: 'movielens', path: dir, window: 'day', hashSize: 1_000_003 }));
  assert.deepEqual(
    ws.map((w) => [w.id, w.rows]),
    [
      ['1970-01-02', 2],
      ['1970-01-03', 1],
      ['1970-01-04', 2],
    ],
  );
  assert.deepEqual(
    ws.flatMap((w) => w.labels),
    [0, 1, 0, 1, 1],
  );
  // dense[0] = log(1 + earlier ratings by this user), dense[1] = log(1 + earlier ratings of this item).
  const D = 3;
  const all = ws.flatMap((w) => w.dense);
  const userCounts = [0, 0, 0, 1, 1].map(Math.log1p); // user 1, user 2, user 3, user 2 (again), user 1 (again)
  const itemCounts = [0, 1, 0, 0, 0].map(Math.log1p);
  for (let r = 0; r < 5; r++) {
    assert.ok(Math.abs(all[r * D] - userCounts[r]) < 1e-6, `user count row ${r}`);
    assert.ok(Math.abs(all[r * D + 1] - itemCounts[r]) < 1e-6, `item count row ${r}`);
  }
  assert.ok(Math.abs(all[2] - 0.95) < 1e-6, 'release year of item 1 is 1995');
  assert.equal(all[3 * D + 2], 0, 'no year in the title → 0');
  assert.equal(ws[1].badRows, 0);
});

test('movielens: malformed ratings are counted in the window of their timestamp', async () => {
  const dir = join(tmp, 'ml-bad');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'movies.csv'), 'movieId,title,genres\n1,A (2000),Drama\n');
  const lines = ['userId,movieId,rating,timestamp'];
  for (let i = 0; i < 2000; i++) lines.push(`1,1,4,${i * 100}`);
  lines.push(`1,x,4,${86_400 + 5}`);
  writeFileSync(join(dir, 'ratings.csv'), lines.join('\n'));
  const ws = await windowInfos(await openStream({ source: 'movielens', path: join(dir, 'ratings.csv'), window: 'day', errorBudget: 0.01 }));
  // 2,000 ratings 100 s apart: 864 a day; the bad one (day 1) goes to the second window.
  assert.deepEqual(
    ws.map((w) => [w.rows, w.badRows]),
    [
      [864, 0],
      [864, 1],
      [272, 0],
    ],
  );
  assert.deepEqual(ws[1].badRowSamples[0], { file: join(dir, 'ratings.csv'), line: 2002, reason: 'item id is not a non-negative integer' });
  // 1 of 2,001 (0.05 %) is within the default 0.1 % budget, not within 0.01 %.
  await assert.rejects(
    openStream({ source: 'movielens', path: join(dir, 'ratings.csv'), window: 'day', errorBudget: 0.0001 }),
    /ratings\.csv:2002: item id is not a non-negative integer — 1 malformed rows of 2001/,
  );
});

test('age buckets follow MovieLens-1M', () => {
  assert.deepEqual([1, 18, 24, 25, 44, 45, 50, 55, 56, 90, NaN].map(ageBucket), [
    '<18',
    '18-24',
    '18-24',
    '25-34',
    '35-44',
    '45-49',
    '50-55',
    '50-55',
    '56+',
    '56+',
    'unknown',
  ]);
});
