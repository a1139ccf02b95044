import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStream } from '../open-stream.js';
import { DataError } from '../errors.js';
import { collect } from '../testing/collect.js';
import { shared, skipUnlessShared } from '../testing/shared-data.js';
import { AVAZU_CATEGORICAL } from './avazu.js';

const skip = skipUnlessShared('avazu-kaggle-head');
const tmp = mkdtempSync(join(tmpdir(), 'driftprune-avazu-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('avazu head (gzip, with header): 8,087 rows in hour 14102100, click rate 17.3 %', { skip }, async () => {
  const s = await openStream({ source: 'avazu', path: shared('avazu-kaggle-head', 'train.csv.gz'), window: 'hour', hashSize: 10_000 });
  assert.deepEqual(s.schema.fieldNames, [...AVAZU_CATEGORICAL, 'hour_of_day', 'day_of_week']);
  assert.deepEqual(s.schema.denseNames, ['hour_sin', 'hour_cos']);
  const ws = await collect(s);
  assert.equal(ws.length, 1);
  assert.equal(ws[0].id, '14102100');
  assert.equal(ws[0].start, Date.UTC(2014, 9, 21, 0));
  assert.equal(ws[0].end, Date.UTC(2014, 9, 21, 1));
  assert.equal(ws[0].rows, 8087);
  assert.equal(ws[0].labels.filter((y) => y === 1).length, 1397);
  assert.equal(ws[0].badRows, 0);
  // Hour 0: sin 0, cos 1.
  assert.deepEqual(ws[0].dense.slice(0, 2), [0, 1]);
});

test('avazu: files without a header use the standard column order; day windows', { skip }, async () => {
  const dev = await collect(await openStream({ source: 'avazu', path: shared('avazu-kaggle-head', 'dev.csv'), window: 'day' }));
  assert.deepEqual(
    dev.map((w) => [w.id, w.rows]),
    [['2014-10-21', 480]],
  );
});

test('avazu: hours in order make hour windows; a bad hour or an earlier hour is a malformed row', async () => {
  const row = (id: number, click: number, hour: string) =>
    [id, click, hour, 1005, 0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 1, 0, 1, 2, 3, 4, 5, 6, 7, 8].join(',');
  const lines = [
    'id,click,hour,C1,banner_pos,site_id,site_domain,site_category,app_id,app_domain,app_category,device_id,device_ip,device_model,device_type,device_conn_type,C14,C15,C16,C17,C18,C19,C20,C21',
  ];
  for (let i = 0; i < 3000; i++) lines.push(row(i, i % 4 === 0 ? 1 : 0, `141021${String(Math.floor(i / 1000)).padStart(2, '0')}`));
  lines.push(row(9, 0, '14102199')); // hour 99
  lines.push(row(10, 0, '14102100')); // earlier than the current window
  for (let i = 0; i < 1000; i++) lines.push(row(i, 1, '14102203'));
  const f = join(tmp, 'train.csv');
  writeFileSync(f, lines.join('\n'));
  const ws = await collect(await openStream({ source: 'avazu', path: f, window: 'hour', errorBudget: 0.01 }));
  assert.deepEqual(
    ws.map((w) => [w.id, w.rows, w.badRows]),
    [
      ['14102100', 1000, 0],
      ['14102101', 1000, 0],
      ['14102102', 1000, 2],
      ['14102203', 1000, 0],
    ],
  );
  assert.deepEqual(
    ws[2].badRowSamples.map((b) => [b.line, b.reason]),
    [
      [3002, 'bad timestamp in column hour (format yymmddhh)'],
      [3003, 'timestamp earlier than the current window (rows must be sorted by time)'],
    ],
  );
  // day_of_week: 2014-10-21 was a Tuesday, 2014-10-22 a Wednesday: different buckets.
  const F = 23;
  assert.notEqual(ws[0].cat[F - 1], ws[3].cat[F - 1]);
  await assert.rejects(
    openStream({ source: 'avazu', path: f, window: 'week' }),
    (e: unknown) => e instanceof DataError && e.code === 'BAD_OPTIONS',
  );
});
