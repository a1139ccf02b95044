import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openStream } from '../open-stream.js';
import { DataError } from '../errors.js';
import { FieldHasher } from '../hash/field-hasher.js';
import { Rng } from '../random/rng.js';
import { collect, type CollectedWindow } from '../testing/collect.js';
import { CLICKS_DENSE, CLICKS_FIELDS } from './clicks.js';

const tmp = mkdtempSync(join(tmpdir(), 'driftprune-clicks-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER =
  'user_id,session_id,session_start,session_size,click_article_id,click_timestamp,click_environment,click_deviceGroup,click_os,click_country,click_region,click_referrer_type';
const T0 = Date.UTC(2017, 9, 1);
const MIN = 60_000;

interface Click {
  user: number;
  article: number;
  /** Minutes after T0. */
  at: number;
  session?: number;
  /** Minutes after T0 (default: the click's own time). */
  start?: number;
  env?: number;
}

function writeLog(name: string, clicks: Click[], gzip = false): string {
  const lines = [HEADER];
  for (const c of clicks) {
    const start = T0 + (c.start ?? c.at) * MIN;
    lines.push(`${c.user},${c.session ?? c.user * 1000},${start},2,${c.article},${T0 + c.at * MIN},${c.env ?? 4},3,2,1,21,1`);
  }
  const f = join(tmp, name);
  writeFileSync(f, gzip ? gzipSync(lines.join('\n') + '\n') : lines.join('\n') + '\n');
  return f;
}

const D = CLICKS_DENSE.length;
const F = CLICKS_FIELDS.length;
const BIG = 1 << 20;
/** Buckets as the stream computes them (hashSize BIG: the fixtures' few ids never collide). */
const hasher = new FieldHasher(CLICKS_FIELDS, new Array(F).fill(BIG), false);
const bucket = (field: string, id: number) => hasher.int(CLICKS_FIELDS.indexOf(field), id);
const col = (w: { dense: number[]; cat: number[] }, r: number, name: string) =>
  CLICKS_DENSE.includes(name) ? w.dense[r * D + CLICKS_DENSE.indexOf(name)] : w.cat[r * F + CLICKS_FIELDS.indexOf(name)];
const near = (a: number, b: number) => Math.abs(a - b) < 1e-5;

async function rowsOf(config: Record<string, unknown>): Promise<CollectedWindow[]> {
  return collect(await openStream({ source: 'clicks', hashSize: BIG, ...config }));
}

test('clicks: each click is a positive followed by negatives drawn only from earlier clicks of the last poolMinutes', async () => {
  const path = writeLog('small.csv', [
    { user: 1, article: 100, at: 0 },
    { user: 2, article: 101, at: 1 },
    { user: 3, article: 102, at: 2 },
    { user: 1, article: 101, at: 3, session: 1000, start: 0 },
    // 90 minutes on, the 60-minute pool has emptied; then it holds article 103 alone.
    { user: 4, article: 103, at: 90 },
    { user: 5, article: 104, at: 91 },
  ]);
  // coldPositives: keep, so that every click is written (the first clicks of this log have empty pools).
  const [w] = await rowsOf({ path, window: 'day', clicks: { negatives: { perClick: 2, coldPositives: 'keep' } } });
  assert.equal(w.id, '2017-10-01');
  assert.deepEqual(w.labels, [1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0]);
  const art = (r: number) => col(w, r, 'article');
  const b = (id: number) => bucket('article', id);
  assert.equal(art(2), b(100)); // click 1's only earlier article
  assert.deepEqual(new Set([art(4), art(5)]), new Set([b(100), b(101)]));
  assert.deepEqual(new Set([art(7), art(8)]), new Set([b(100), b(102)])); // never the clicked 101
  assert.equal(art(11), b(103));
  // Click 3 (row 6): user 1's second click, 3 minutes into its session, on an article clicked once, 2 minutes ago.
  assert.ok(near(col(w, 6, 'user_clicks_log'), Math.log1p(1)));
  assert.ok(near(col(w, 6, 'user_gap_log'), Math.log1p(3 / 60)));
  assert.ok(near(col(w, 6, 'session_position_log'), Math.log1p(1)));
  assert.ok(near(col(w, 6, 'session_minutes_log'), Math.log1p(3)));
  assert.ok(near(col(w, 6, 'article_clicks_log'), Math.log1p(1)));
  assert.ok(near(col(w, 6, 'article_recent_log'), Math.log1p(1)));
  assert.ok(near(col(w, 6, 'article_age_log'), Math.log1p(2 / 60)));
  assert.equal(col(w, 6, 'prev_article'), bucket('prev_article', 100));
  assert.equal(col(w, 6, 'user'), bucket('user', 1));
  // Its negatives keep the click's user and context and carry their own article's history (100: 3 minutes old).
  for (const r of [7, 8]) {
    for (const name of ['user', 'prev_article', 'environment', 'hour_of_day', 'user_clicks_log', 'session_position_log'])
      assert.equal(col(w, r, name), col(w, 6, name), name);
  }
  const r100 = art(7) === b(100) ? 7 : 8;
  assert.ok(near(col(w, r100, 'article_age_log'), Math.log1p(3 / 60)));
  // A user's first click: no history.
  assert.equal(col(w, 0, 'user_clicks_log'), 0);
  assert.equal(col(w, 0, 'article_clicks_log'), 0);
  assert.equal(col(w, 0, 'prev_article'), bucket('prev_article', -1));
  const s = await openStream({ source: 'clicks', path, window: 'day', clicks: { negatives: { perClick: 2, coldPositives: 'keep' } } });
  await collect(s);
  assert.deepEqual(s.sourceCounts?.(), { clicks: 6, emittedClicks: 6, negatives: 6, negativesShort: 6, coldPositivesDropped: 0 });
});

test('clicks: a click whose article has no click in the pool is left out by default (no negative could match it)', async () => {
  const path = writeLog('cold.csv', [
    { user: 1, article: 100, at: 0 }, // empty pool: cold
    { user: 2, article: 101, at: 1 }, // 101 never clicked: cold
    { user: 3, article: 100, at: 2 }, // 100 in the pool: written, one negative (101)
    { user: 4, article: 102, at: 90 }, // pool emptied 60 minutes on: cold
    { user: 5, article: 102, at: 91 }, // written, but the pool holds only 102 itself: no negative
  ]);
  const s = await openStream({ source: 'clicks', path, window: 'day', hashSize: BIG, clicks: { negatives: { perClick: 1 } } });
  const [w] = await collect(s);
  assert.deepEqual(w.labels, [1, 0, 1]);
  assert.equal(col(w, 0, 'user'), bucket('user', 3));
  assert.equal(col(w, 1, 'article'), bucket('article', 101));
  assert.equal(col(w, 2, 'user'), bucket('user', 5));
  assert.deepEqual(s.sourceCounts?.(), { clicks: 5, emittedClicks: 2, negatives: 1, negativesShort: 1, coldPositivesDropped: 3 });
  // Every written positive has recent clicks, as every negative does: "no recent click" no longer marks the click.
  const random = await rowsOf({ path: randomLog('cold-random.csv.gz', 3000, 2, 11), window: 'day' });
  let positives = 0;
  for (const r of random)
    for (let i = 0; i < r.labels.length; i++) {
      assert.ok(col(r, i, 'article_recent_log') > 0, `row ${i} of ${r.id} (label ${r.labels[i]}) has no recent click`);
      positives += r.labels[i];
    }
  assert.ok(positives > 2000 && positives < 3000, `${positives} positives kept of 3000`);
  // keep: the earlier behaviour, where some positives carry no recent click and no negative ever does.
  const kept = await rowsOf({ path: randomLog('cold-random.csv.gz', 3000, 2, 11), window: 'day', clicks: { negatives: { coldPositives: 'keep' } } });
  let coldKept = 0;
  for (const r of kept) for (let i = 0; i < r.labels.length; i++) if (col(r, i, 'article_recent_log') === 0) coldKept += r.labels[i] === 1 ? 1 : -1e9;
  assert.ok(coldKept > 0, 'keep writes cold positives (and never a negative without recent clicks)');
});

/** A random log: `n` clicks over `days` days by 60 users on 40 articles (popular ones more often). */
function randomLog(name: string, n: number, days: number, seed = 7): string {
  const rng = new Rng(seed);
  const clicks: Click[] = [];
  for (let i = 0; i < n; i++) {
    const user = rng.int(60);
    clicks.push({ user, article: 500 + Math.floor(rng.next() ** 2 * 40), at: Math.floor((i * days * 1440) / n), env: 1 + rng.int(3) });
  }
  return writeLog(name, clicks, true);
}

test('clicks: deterministic in the negatives seed, whatever the batch size; a new seed draws other negatives', async () => {
  const path = randomLog('random.csv.gz', 3000, 2);
  const base = { path, window: 'day' };
  const a = await rowsOf(base);
  assert.deepEqual(
    a.map((w) => w.id),
    ['2017-10-01', '2017-10-02'],
  );
  assert.deepEqual(await rowsOf({ ...base, batchSize: 7 }), a);
  const other = await rowsOf({ ...base, clicks: { negatives: { seed: 2 } } });
  assert.deepEqual(
    other.map((w) => w.labels),
    a.map((w) => w.labels),
  );
  assert.notDeepEqual(
    other.map((w) => w.cat),
    a.map((w) => w.cat),
  );
  const rows = a.reduce((s, w) => s + w.rows, 0);
  const counted = await openStream({ source: 'clicks', hashSize: BIG, ...base });
  await collect(counted);
  const c = counted.sourceCounts!();
  assert.equal(rows, c.emittedClicks + c.negatives);
  assert.equal(c.negatives + c.negativesShort, 4 * c.emittedClicks);
  assert.equal(c.emittedClicks + c.coldPositivesDropped, 3000);
  assert.ok(rows > 3000 * 3.5 && rows < 3000 * 5, `${rows} rows`);
});

/** Rows grouped by click: a positive and the negatives after it. */
function groups(ws: CollectedWindow[]): { user: number; day: string; rows: string }[] {
  const out: { user: number; day: string; rows: string }[] = [];
  for (const w of ws)
    for (let r = 0; r < w.labels.length; r++) {
      const row = JSON.stringify([w.labels[r], w.dense.slice(r * D, r * D + D), w.cat.slice(r * F, r * F + F)]);
      if (w.labels[r] === 1) out.push({ user: w.cat[r * F], day: w.id, rows: row });
      else out[out.length - 1].rows += row;
    }
  return out;
}

test('clicks: subsampling keeps whole users (or user-days) and leaves the kept clicks exactly as in the full stream', async () => {
  const path = randomLog('random2.csv.gz', 3000, 3, 11);
  const full = groups(await rowsOf({ path, window: 'day' }));
  for (const unit of ['user', 'user_day'] as const) {
    const sub = groups(await rowsOf({ path, window: 'day', clicks: { subsample: { fraction: 0.4, unit } } }));
    const keyOf = (g: { user: number; day: string }) => (unit === 'user' ? `${g.user}` : `${g.user}/${g.day}`);
    const kept = new Set(sub.map(keyOf));
    // Every click of a kept unit is there, unchanged (same negatives: the pool and the counters see every click).
    assert.deepEqual(
      sub.map((g) => g.rows),
      full.filter((g) => kept.has(keyOf(g))).map((g) => g.rows),
    );
    const all = new Set(full.map(keyOf));
    assert.ok(kept.size > 0.25 * all.size && kept.size < 0.55 * all.size, `${unit}: kept ${kept.size} of ${all.size}`);
    if (unit === 'user_day') {
      const daysByUser = new Map<number, Set<string>>();
      for (const g of sub) daysByUser.set(g.user, (daysByUser.get(g.user) ?? new Set()).add(g.day));
      assert.ok([...daysByUser.values()].some((d) => d.size < 3), 'some kept user is out on some day');
    }
  }
  const again = groups(await rowsOf({ path, window: 'day', clicks: { subsample: { fraction: 0.4, seed: 1 } } }));
  const reseeded = groups(await rowsOf({ path, window: 'day', clicks: { subsample: { fraction: 0.4, seed: 2 } } }));
  assert.notDeepEqual(
    again.map((g) => g.user),
    reseeded.map((g) => g.user),
  );
});

test('clicks: popularity sampling follows the pool\'s clicks, uniform sampling its distinct articles', async () => {
  // Every minute: article 1 clicked 8 times, articles 2 and 3 once each, then a probe click on article 9.
  const clicks: Click[] = [];
  for (let m = 0; m < 200; m++) {
    for (const a of [1, 1, 1, 1, 1, 1, 1, 1, 2, 3]) clicks.push({ user: clicks.length, article: a, at: m });
    clicks.push({ user: 7, article: 9, at: m });
  }
  const path = writeLog('popular.csv', clicks);
  const shareOfHot = async (sampling: string) => {
    const [w] = await rowsOf({ path, window: 'day', clicks: { negatives: { perClick: 1, sampling } } });
    let probes = 0;
    let hot = 0;
    for (let r = 0; r < w.labels.length; r++)
      if (w.labels[r] === 1 && col(w, r, 'article') === bucket('article', 9) && r + 1 < w.labels.length && w.labels[r + 1] === 0) {
        probes++;
        if (col(w, r + 1, 'article') === bucket('article', 1)) hot++;
      }
    return hot / probes;
  };
  const popularity = await shareOfHot('popularity');
  const uniform = await shareOfHot('uniform');
  assert.ok(popularity > 0.72 && popularity < 0.88, `popularity: ${popularity}`);
  assert.ok(uniform > 0.25 && uniform < 0.42, `uniform: ${uniform}`);
});

test('clicks: hour windows; rows:N windows count rows with their negatives', async () => {
  const path = randomLog('random3.csv.gz', 600, 1, 3);
  const hours = await rowsOf({ path, window: 'hour' });
  assert.equal(hours.length, 24);
  assert.equal(hours[0].id, '17100100');
  const rows = await rowsOf({ path, window: 'rows:1000' });
  const total = rows.reduce((s, w) => s + w.rows, 0);
  assert.deepEqual(
    rows.map((w) => w.rows),
    [...new Array(Math.floor(total / 1000)).fill(1000), ...(total % 1000 ? [total % 1000] : [])],
  );
  assert.deepEqual(
    rows.flatMap((w) => w.labels),
    hours.flatMap((w) => w.labels),
  );
  const capped = await rowsOf({ path, window: 'hour', maxRowsPerWindow: 10, maxWindows: 3 });
  assert.deepEqual(
    capped.map((w) => w.rows),
    [10, 10, 10],
  );
});

test('clicks: malformed rows are counted with reasons; a wrong header, a missing file and misplaced options are refused', async () => {
  const good = (i: number) => `${i % 5},${i},${T0},2,${100 + (i % 7)},${T0 + i * 1000},4,3,2,1,21,1`;
  const lines = [HEADER];
  for (let i = 0; i < 3000; i++) lines.push(good(i));
  lines.splice(10, 0, '1,2,3', `x,1,${T0},2,100,${T0 + 9000},4,3,2,1,21,1`, `1,1,${T0},2,-4,${T0 + 9000},4,3,2,1,21,1`, `1,1,${T0},2,4,1e99,4,3,2,1,21,1`);
  const path = join(tmp, 'bad.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  const [w] = await rowsOf({ path, window: 'day', errorBudget: 0.01, clicks: { negatives: { coldPositives: 'keep' } } });
  assert.equal(w.badRows, 4);
  assert.deepEqual(
    w.badRowSamples.map((s) => s.reason),
    ['expected 12 fields, found 3', 'user_id: not a non-negative integer id', 'click_article_id: not a non-negative integer id', 'click_timestamp: not a time in ms'],
  );
  await assert.rejects(rowsOf({ path, window: 'day' }), (e: unknown) => e instanceof DataError && e.code === 'ERROR_BUDGET_EXCEEDED');
  // A click of an earlier day after a later one.
  const unsorted = join(tmp, 'unsorted.csv');
  writeFileSync(unsorted, [HEADER, good(0), `1,1,${T0},2,100,${T0 + 86_400_000},4,3,2,1,21,1`, good(1)].join('\n'));
  const ws = await rowsOf({ path: unsorted, window: 'day', errorBudget: 0.5, clicks: { negatives: { coldPositives: 'keep' } } });
  assert.match(ws[1].badRowSamples[0].reason, /sorted by time/);
  const noHeader = join(tmp, 'noheader.csv');
  writeFileSync(noHeader, lines.slice(1).join('\n'));
  await assert.rejects(rowsOf({ path: noHeader, window: 'day' }), (e: unknown) => e instanceof DataError && e.code === 'BAD_HEADER' && /missing user_id/.test(e.message));
  await assert.rejects(rowsOf({ path: join(tmp, 'nope'), window: 'day' }), (e: unknown) => e instanceof DataError && e.code === 'FILE_NOT_FOUND');
  await assert.rejects(openStream({ source: 'csv', path, clicks: {}, csv: { label: 'a', categorical: ['b'] } }), /data\.clicks applies to source clicks only/);
  await assert.rejects(rowsOf({ path, clicks: { negatives: { sampling: 'random' } } }), /sampling must be popularity or uniform/);
  await assert.rejects(rowsOf({ path, clicks: { subsample: { fraction: 5 } } }), /fraction is a share: at most 1/);
});

test('clicks: a directory holding clicks.csv.gz is read like the file', async () => {
  const dir = join(tmp, 'folder');
  rmSync(dir, { recursive: true, force: true });
  const { mkdirSync, copyFileSync } = await import('node:fs');
  mkdirSync(dir);
  const file = randomLog('random4.csv.gz', 500, 1, 5);
  copyFileSync(file, join(dir, 'clicks.csv.gz'));
  assert.deepEqual(await rowsOf({ path: dir, window: 'day' }), await rowsOf({ path: file, window: 'day' }));
});
