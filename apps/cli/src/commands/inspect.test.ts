import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { shared, skipUnlessShared } from '@driftprune/data/testing/shared-data';
import { main } from '../main.js';
import { inspectDataConfig } from './inspect.js';

const repo = resolve(import.meta.dirname, '../../../..');
const movielens = shared('movielens-100k');
// skipped only on a clone without shared data; where DRIFTPRUNE_SHARED_DATA names a folder (scripts/test.sh, CI), a
// missing data set fails the test
const skip = skipUnlessShared('movielens-100k');

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    return { code: await fn(), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('driftprune inspect --json on MovieLens-100K by day: 213 windows, 100,000 rows, label rate 0.554 (the real command)', { skip }, () => {
  const r = spawnSync(
    process.execPath,
    [join(repo, 'apps/cli/bin/driftprune.mjs'), 'inspect', '--source', 'movielens', '--path', movielens, '--window', 'day', '--json'],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const last = r.stdout.trim().split('\n').at(-1)!;
  const j = JSON.parse(last);
  assert.equal(j.windows.length, 213);
  assert.equal(
    j.windows.reduce((s: number, w: { rows: number }) => s + w.rows, 0),
    100_000,
  );
  assert.equal(j.totals.rows, 100_000);
  assert.equal(j.totals.labelRate.toFixed(3), '0.554');
  const w0 = j.windows[0];
  for (const k of ['id', 'start', 'end', 'rows', 'labelRate', 'badRows', 'psi', 'fields']) assert.ok(k in w0, `window has ${k}`);
  assert.equal(w0.id, '1997-09-20');
  assert.equal(w0.start, Date.UTC(1997, 8, 20));
  assert.equal(w0.end, Date.UTC(1997, 8, 21));
  assert.equal(j.timeUnit, 'ms');
  assert.equal(j.hashing.length, 9);
});

test('driftprune inspect prints a table by default (synthetic)', async () => {
  const r = await capture(() =>
    main([
      'inspect',
      '--source',
      'synthetic',
      '--set',
      'synthetic.windows=3',
      '--set',
      'synthetic.rowsPerWindow=2000',
      '--hash-size',
      '1000',
    ]),
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /source synthetic {2}window day/);
  assert.match(r.out, /^ *0 {2}2024-01-01 {2}2024-01-01 00:00 {2}2000 /m);
  assert.match(r.out, /^3 windows, 6,000 rows, label rate 0\.\d{3}, 0 malformed rows$/m);
  assert.match(r.out, /hash collisions/);
});

test('driftprune inspect: csv mapping, rows:N windows, JSON last line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dp-inspect-'));
  const f = join(dir, 'x.csv');
  writeFileSync(f, 'y,a\n' + Array.from({ length: 25 }, (_, i) => `${i % 5 === 0 ? 1 : 0},v${i % 4}`).join('\n'));
  const r = await capture(() =>
    main(['inspect', '--source', 'csv', '--path', f, '--window', 'rows:10', '--csv', '{"label":"y","categorical":["a"]}', '--json']),
  );
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out.trim().split('\n').at(-1)!);
  assert.deepEqual(
    j.windows.map((w: { rows: number; start: number }) => [w.rows, w.start]),
    [
      [10, 0],
      [10, 10],
      [5, 20],
    ],
  );
  assert.equal(j.totals.labelRate, 5 / 25);
  assert.equal(j.timeUnit, 'row');
  rmSync(dir, { recursive: true, force: true });
});

test('driftprune inspect: bad usage and bad data give exit code 2 and a clear message', async () => {
  assert.equal((await capture(() => main(['inspect']))).code, 2);
  assert.throws(() => inspectDataConfig(['--source', 'criteo']), /data\.path is required|path: data\.path is required/);
  assert.throws(() => inspectDataConfig(['--source', 'synthetic', '--bogus', '1']), /unknown option --bogus/);
  const missing = await capture(() => main(['inspect', '--source', 'criteo', '--path', '/nonexistent/day_0']));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /FILE_NOT_FOUND: no such file or directory: \/nonexistent\/day_0/);
  const badWindow = await capture(() => main(['inspect', '--source', 'synthetic', '--window', 'fortnight']));
  assert.equal(badWindow.code, 2);
  assert.match(badWindow.err, /window must be day, week, hour or rows:N/);
});

test('driftprune inspect --source clicks: day windows of a click log with its sampled negatives and counts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dp-inspect-clicks-'));
  try {
    const t0 = Date.UTC(2017, 9, 1);
    const lines = ['user_id,session_id,session_start,session_size,click_article_id,click_timestamp,click_environment,click_deviceGroup,click_os,click_country,click_region,click_referrer_type'];
    for (let i = 0; i < 400; i++) lines.push(`${i % 13},${i % 29},${t0},2,${100 + (i % 17)},${t0 + i * 400_000},4,3,2,1,21,1`);
    writeFileSync(join(dir, 'clicks.csv'), lines.join('\n') + '\n');
    const r = await capture(() =>
      main(['inspect', '--source', 'clicks', '--path', dir, '--window', 'day', '--set', 'clicks.negatives.perClick=3', '--set', 'clicks.negatives.seed=5', '--set', 'clicks.negatives.poolMinutes=240', '--json']),
    );
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out.trim().split('\n').at(-1)!);
    // 400 clicks 400 s apart: 1.85 days.
    assert.deepEqual(
      j.windows.map((w: { id: string }) => w.id),
      ['2017-10-01', '2017-10-02'],
    );
    const c = j.sourceCounts;
    assert.equal(c.clicks, 400);
    // Clicks whose article had no click in the pool (the last 4 hours here: each article comes back every 113
    // minutes) are left out (coldPositives: drop, the default): the first clicks of the log, mostly.
    assert.ok(c.coldPositivesDropped > 0 && c.emittedClicks + c.coldPositivesDropped === 400, JSON.stringify(c));
    assert.equal(j.totals.positives, c.emittedClicks);
    assert.equal(j.totals.rows, c.emittedClicks + c.negatives);
    assert.equal(c.negatives + c.negativesShort, 3 * c.emittedClicks);
    const table = await capture(() =>
      main(['inspect', '--source', 'clicks', '--path', join(dir, 'clicks.csv'), '--window', 'hour', '--set', 'clicks.negatives.poolMinutes=240']),
    );
    assert.match(table.out, /source counts: clicks 400, emittedClicks \d+, negatives [\d,]+, negativesShort \d+, coldPositivesDropped \d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
