import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStream } from '../open-stream.js';
import { collect, collectWindow } from '../testing/collect.js';
import { shuffledWindows, windowOrder } from './shuffled-windows.js';

const tmp = mkdtempSync(join(tmpdir(), 'driftprune-shuffle-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const synthetic = { source: 'synthetic', window: 'day', hashSize: 500, synthetic: { windows: 6, rowsPerWindow: 700, numFields: 4, numDense: 3, vocabPerField: 100 } };

test('shuffled windows: the same windows, rows and ids in a seeded order, renumbered; deterministic', async () => {
  const inOrder = await collect(await openStream(synthetic));
  const shuffled = await collect(await openStream({ ...synthetic, shuffleWindows: { seed: 4 } }));
  const order = windowOrder(6, 4);
  assert.notDeepEqual(order, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(
    shuffled.map((w) => w.index),
    [0, 1, 2, 3, 4, 5],
  );
  assert.deepEqual(
    shuffled.map(({ index: _i, ...w }) => w),
    order.map((i) => {
      const { index: _i, ...w } = inOrder[i];
      return w;
    }),
  );
  assert.deepEqual(await collect(await openStream({ ...synthetic, shuffleWindows: { seed: 4 } })), shuffled);
  assert.notDeepEqual(
    (await collect(await openStream({ ...synthetic, shuffleWindows: { seed: 5 } }))).map((w) => w.id),
    shuffled.map((w) => w.id),
  );
});

test('shuffled windows: maxWindows picks the first windows in time, which are shuffled; stopping early works', async () => {
  const all = await collect(await openStream({ ...synthetic, shuffleWindows: { seed: 4 } }));
  const inOrder = await collect(await openStream(synthetic));
  const three = await collect(await openStream({ ...synthetic, maxWindows: 3, shuffleWindows: { seed: 4 } }));
  assert.deepEqual(
    three.map((w) => w.id),
    windowOrder(3, 4).map((i) => inOrder[i].id),
  );
  // Through the transform with a spill root of its own, to see the folder come and go.
  const root = mkdtempSync(join(tmp, 'spill-'));
  const s = shuffledWindows(await openStream(synthetic), 4, 100, root);
  for await (const w of s.windows()) {
    assert.equal(readdirSync(root).length, 1, 'one spill folder while serving');
    const a = await collectWindow(w, { shuffleSeed: 9, batchSize: 64 });
    const b = await collectWindow(w);
    assert.deepEqual(b, { dense: all[0].dense, cat: all[0].cat, labels: all[0].labels });
    assert.deepEqual([...a.labels].sort(), [...b.labels].sort());
    assert.notDeepEqual(a.cat, b.cat);
    break; // the consumer stops early: the spill folder still goes
  }
  assert.deepEqual(readdirSync(root), []);
});

test('shuffled windows on a file source, then causal scaling in the served order', async () => {
  const day = (d: number) => Date.UTC(2024, 0, 1 + d) / 1000;
  const f = join(tmp, 'days.csv');
  writeFileSync(f, ['t,y,x,c', ...[0, 1, 2, 3].flatMap((d) => [`${day(d) + 5},1,${10 * d},a`, `${day(d) + 9},0,${10 * d + 2},b`])].join('\n'));
  const csv = { label: 'y', time: 't', dense: ['x'], categorical: ['c'] };
  const raw = await collect(await openStream({ source: 'csv', path: f, window: 'day', denseScaling: 'none', shuffleWindows: { seed: 2 }, csv }));
  const order = windowOrder(4, 2);
  assert.deepEqual(
    raw.map((w) => w.dense),
    order.map((d) => [10 * d, 10 * d + 2]),
  );
  // Scaled: the first served window by its own moments, the second by the first's.
  const scaled = await collect(await openStream({ source: 'csv', path: f, window: 'day', shuffleWindows: { seed: 2 }, csv }));
  assert.deepEqual(scaled[0].dense, [-1, 1]);
  const m = 10 * order[0] + 1;
  assert.deepEqual(scaled[1].dense, [10 * order[1] - m, 10 * order[1] + 2 - m].map((z) => Math.max(-5, Math.min(5, z))));
});
