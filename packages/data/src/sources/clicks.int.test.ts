// The clicks source on the real Globo.com G1 log ($DRIFTPRUNE_SHARED_DATA/globo-g1-clicks, never in the repo). Runs
// in the integration tier; it fails, not skips, when a shared data folder exists without the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStream } from '../open-stream.js';
import { shared, skipUnlessShared } from '../testing/shared-data.js';
import { CLICKS_DENSE } from './clicks.js';

test('clicks: the first day of the Globo.com G1 log, with 4 popularity-weighted negatives per click', { skip: skipUnlessShared('globo-g1-clicks') }, async () => {
  const s = await openStream({ source: 'clicks', path: shared('globo-g1-clicks'), window: 'day', maxWindows: 1 });
  let windows = 0;
  for await (const w of s.windows()) {
    windows++;
    assert.equal(w.id, '2017-10-01');
    assert.equal(w.badRows, 0);
    let positives = 0;
    let rows = 0;
    const D = CLICKS_DENSE.length;
    const sum = new Float64Array(D);
    for await (const b of w.batches({ batchSize: 4096 })) {
      rows += b.size;
      for (let i = 0; i < b.size; i++) positives += b.labels[i];
      for (let i = 0; i < b.dense.length; i++) sum[i % D] += b.dense[i];
    }
    // The published count of that day's clicks, less those whose article had no click in the last hour (left out:
    // no negative could match them); negatives fall short only while the pool is nearly empty.
    // (sourceCounts() runs ahead of the window being read, so the day's own share is bounded, not counted.)
    assert.ok(positives < 94_056 && positives > 94_056 * 0.9, `${positives} of the day's 94,056 clicks written`);
    assert.ok(s.sourceCounts!().coldPositivesDropped >= 94_056 - positives);
    assert.equal(rows, w.rows);
    assert.ok(rows > positives * 5 - 100 && rows <= positives * 5, `${rows} rows`);
    // Features on a log scale, none of them stuck at zero.
    for (let d = 0; d < D; d++) assert.ok(Math.abs(sum[d] / rows) < 10 && sum[d] !== 0, `${CLICKS_DENSE[d]}: mean ${sum[d] / rows}`);
  }
  assert.equal(windows, 1);
});
