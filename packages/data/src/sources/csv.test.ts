import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStream } from '../open-stream.js';
import { DataError } from '../errors.js';
import { murmur3String } from '../hash/murmur3.js';
import { fieldSeed } from '../hash/field-hasher.js';
import { collect } from '../testing/collect.js';

const tmp = mkdtempSync(join(tmpdir(), 'driftprune-csv-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const f = join(tmp, name);
  writeFileSync(f, text);
  return f;
};

test('csv: columns by header name, quoted fields, log dense, ISO time, day windows', async () => {
  const f = file(
    'clicks.csv',
    [
      'when,clicked,price,"shop, name",country',
      '2024-03-01T10:00:00Z,1,9,"Bob\'s, Inc",FR',
      '2024-03-01T23:59:59Z,0,,plain,DE',
      '2024-03-03T00:00:00Z,0,-5,"say ""hi""",FR',
    ].join('\r\n') + '\r\n',
  );
  const csv = {
    label: 'clicked',
    time: 'when',
    timeFormat: 'iso',
    dense: ['price'],
    categorical: ['shop, name', 'country'],
    logDense: true,
  };
  // The parser's values as they are (the default would standardize them: dense-scaling.test.ts).
  const s = await openStream({ source: 'csv', path: f, window: 'day', hashSize: [1000, 50], denseScaling: 'none', csv });
  assert.deepEqual(s.schema, { denseNames: ['price'], fieldNames: ['shop, name', 'country'], tableSizes: [1000, 50] });
  const ws = await collect(s);
  assert.deepEqual(
    ws.map((w) => [w.id, w.rows]),
    [
      ['2024-03-01', 2],
      ['2024-03-03', 1],
    ],
  );
  assert.deepEqual(ws[0].labels, [1, 0]);
  assert.ok(Math.abs(ws[0].dense[0] - Math.log1p(9)) < 1e-6);
  assert.deepEqual([ws[0].dense[1], ws[1].dense[0]], [0, 0]);
  assert.equal(ws[0].cat[0], murmur3String("Bob's, Inc", fieldSeed('shop, name')) % 1000);
  assert.equal(ws[0].cat[1], ws[1].cat[1]); // FR twice
});

test('csv: no header, columns by index; unix seconds; hour windows; rows:N', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 10; i++) lines.push(`${1_700_000_000 + i * 1800}\t${i % 2}\t${i}\tu${i % 3}`);
  const f = file('noheader.tsv', lines.join('\n'));
  const csv = { delimiter: '\t', header: false, label: '1', time: '0', dense: ['2'], categorical: ['3'] };
  const hours = await collect(await openStream({ source: 'csv', path: f, window: 'hour', csv }));
  // 1,700,000,000 s is 22:13:20 UTC: two rows (30 min apart) per hour.
  assert.deepEqual(
    hours.map((w) => w.rows),
    [2, 2, 2, 2, 2],
  );
  assert.equal(hours[0].id, '23111422');
  const rows = await collect(await openStream({ source: 'csv', path: f, window: 'rows:4', denseScaling: 'none', csv: { ...csv, time: undefined } }));
  assert.deepEqual(
    rows.map((w) => w.rows),
    [4, 4, 2],
  );
  assert.deepEqual(rows[2].dense, [8, 9]);
});

test('csv: bad rows — wrong field count, non-numeric, bad label, bad time, time going back — are counted with reasons', async () => {
  const good = (i: number) => `${1000 + i},${i % 2},${i},a${i}`;
  const lines = ['t,y,x,c'];
  for (let i = 0; i < 3000; i++) lines.push(good(i));
  lines.splice(10, 0, '1005,1,2', '1005,1,zz,a', '1005,2,1,a', 'soon,1,1,a', '1,1,1,a', '1006,1,1,"a');
  const f = file('bad.csv', lines.join('\n'));
  const ws = await collect(
    await openStream({
      source: 'csv',
      path: f,
      window: 'rows:5000',
      errorBudget: 0.01,
      csv: { label: 'y', time: 't', dense: ['x'], categorical: ['c'] },
    }),
  );
  assert.equal(ws[0].rows, 3001);
  assert.deepEqual(
    ws[0].badRowSamples.map((b) => [b.line, b.reason]),
    [
      [11, 'expected 4 fields, found 3'],
      [12, 'x: not a number'],
      [13, 'label (y) must be 0 or 1'],
      [14, 'bad timestamp in column t (format unix)'],
      [16, 'unterminated or misplaced double quote'],
    ],
  );
  assert.equal(ws[0].badRows, 5); // "1,1,1,a" is valid under rows:N (time is only checked for order by time windows)
  const byDay = collect(
    await openStream({
      source: 'csv',
      path: f,
      window: 'day',
      errorBudget: 0.01,
      csv: { label: 'y', time: 't', dense: ['x'], categorical: ['c'] },
    }),
  );
  assert.equal(
    (await byDay).reduce((s, w) => s + w.badRows, 0),
    5,
  );
});

test('csv: a column missing from the header is a clear error; the mapping is required', async () => {
  const f = file('h.csv', 'a,b\n1,2\n');
  await assert.rejects(
    collect(await openStream({ source: 'csv', path: f, window: 'rows:10', csv: { label: 'a', categorical: ['nope'] } })),
    (e: unknown) =>
      e instanceof DataError && e.code === 'BAD_HEADER' && /no column 'nope' \(categorical\); columns are: a, b/.test(e.message),
  );
  await assert.rejects(openStream({ source: 'csv', path: f, window: 'rows:10' }), /data\.csv \(the column mapping\) is required/);
  await assert.rejects(
    openStream({ source: 'csv', path: f, window: 'day', csv: { label: 'a', categorical: ['b'] } }),
    /needs data\.csv\.time/,
  );
});
