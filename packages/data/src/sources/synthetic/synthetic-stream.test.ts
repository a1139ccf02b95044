import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStream } from '../../open-stream.js';
import { DataError } from '../../errors.js';
import type { Window } from '../../types.js';
import { collect, collectWindow } from '../../testing/collect.js';
import { HashedLogistic } from '../../testing/logistic-model.js';
import { SYNTHETIC_EPOCH } from './synthetic-stream.js';
import { computeStats } from '../../stats/stream-stats.js';

const small = { windows: 3, rowsPerWindow: 3000, numFields: 6, numDense: 4, vocabPerField: 300 };

test('synthetic: deterministic by seed, different across seeds; ids within their tables', async () => {
  const a = await collect(await openStream({ source: 'synthetic', synthetic: small, hashSize: 997 }, { seed: 7 }));
  const b = await collect(await openStream({ source: 'synthetic', synthetic: small, hashSize: 997 }, { seed: 7 }));
  const c = await collect(await openStream({ source: 'synthetic', synthetic: small, hashSize: 997 }, { seed: 8 }));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a[0].cat, c[0].cat);
  assert.deepEqual(
    a.map((w) => [w.id, w.rows, w.start]),
    [
      ['2024-01-01', 3000, SYNTHETIC_EPOCH],
      ['2024-01-02', 3000, SYNTHETIC_EPOCH + 86_400_000],
      ['2024-01-03', 3000, SYNTHETIC_EPOCH + 2 * 86_400_000],
    ],
  );
  for (const w of a) {
    assert.equal(w.cat.length, 3000 * 6);
    assert.equal(w.dense.length, 3000 * 4);
    assert.ok(w.cat.every((x) => Number.isInteger(x) && x >= 0 && x < 997));
    assert.ok(w.labels.every((y) => y === 0 || y === 1));
    assert.ok(w.dense.every((x) => Number.isFinite(x) && x >= 0));
  }
});

test('synthetic: a window is re-iterable (same batches), batch size does not change rows, shuffling permutes them', async () => {
  const s = await openStream({ source: 'synthetic', synthetic: small, batchSize: 100 }, { seed: 3 });
  const windows: Window[] = [];
  for await (const w of s.windows()) windows.push(w);
  const w0 = windows[0];
  const first = await collectWindow(w0);
  // Collisions are counted once per row and field, on a window's first read only.
  assert.ok(s.hashCollisions!().every((c) => c.lookups === 3000));
  assert.deepEqual(await collectWindow(w0), first, 'second pass');
  assert.ok(s.hashCollisions!().every((c) => c.lookups === 3000));
  assert.deepEqual(await collectWindow(w0, { batchSize: 7 }), first, 'other batch size');
  const sh = await collectWindow(w0, { shuffleSeed: 11 });
  assert.notDeepEqual(sh.labels, first.labels);
  const rowsOf = (x: { dense: number[]; cat: number[]; labels: number[] }) =>
    x.labels.map((y, i) => `${y}|${x.cat.slice(i * 6, i * 6 + 6)}|${x.dense.slice(i * 4, i * 4 + 4)}`).sort();
  assert.deepEqual(rowsOf(sh), rowsOf(first));
  assert.deepEqual(await collectWindow(w0, { shuffleSeed: 11 }), sh);
  // Without a shuffleSeed the order is the generation order, whatever data.shuffleWithinWindow says (the runner
  // passes its own shuffleSeed to the training pass and none to the evaluation pass).
  const ss = await openStream({ source: 'synthetic', synthetic: small, shuffleWithinWindow: true }, { seed: 3 });
  for await (const w of ss.windows()) {
    assert.deepEqual(await collectWindow(w), first);
    break;
  }
});

test('synthetic: the share of rows with never-seen ids follows newIdRate', async () => {
  for (const newIdRate of [0, 0.1]) {
    const st = await computeStats(
      await openStream({
        source: 'synthetic',
        synthetic: { windows: 3, rowsPerWindow: 20_000, numFields: 6, vocabPerField: 500, newIdRate, rankRotation: 0 },
      }),
    );
    const share = st.windows[2].newIdRowShare;
    // Counted in bucket space: a one-off id can land in a bucket seen before (−), and a rare vocabulary id can be
    // drawn for the first time (+); both are small.
    assert.ok(Math.abs(share - newIdRate) < 0.015, `newIdRate ${newIdRate}: share ${share}`);
  }
});

test('synthetic: label rate follows baseCtr and the daily cycle', async () => {
  const cfg = {
    windows: 1,
    rowsPerWindow: 48_000,
    numFields: 4,
    numDense: 2,
    vocabPerField: 200,
    labelNoise: 0,
    newIdRate: 0.1,
    dailyCycleAmplitude: 1.5,
  };
  const [lo] = await collect(await openStream({ source: 'synthetic', synthetic: { ...cfg, baseCtr: 0.05 } }));
  const [hi] = await collect(await openStream({ source: 'synthetic', synthetic: { ...cfg, baseCtr: 0.5 } }));
  const rate = (ys: number[]) => ys.reduce((a, b) => a + b, 0) / ys.length;
  assert.ok(rate(lo.labels) < 0.15 && rate(hi.labels) > 0.4, `${rate(lo.labels)} ${rate(hi.labels)}`);
  // Rows are spread over the day in order: the sin cycle peaks at 06:00 and bottoms at 18:00.
  const q = hi.labels.length / 4;
  const morning = rate(hi.labels.slice(0, 2 * q));
  const evening = rate(hi.labels.slice(2 * q));
  assert.ok(morning - evening > 0.15, `morning ${morning} evening ${evening}`);
});

test('synthetic: window rules — rows:N sets the rows per window, time rules must match hoursPerWindow, limits apply', async () => {
  const ws = await collect(await openStream({ source: 'synthetic', window: 'rows:500', synthetic: small }));
  assert.deepEqual(
    ws.map((w) => [w.id, w.rows, w.start, w.end]),
    [
      ['rows-0', 500, 0, 500],
      ['rows-1', 500, 500, 1000],
      ['rows-2', 500, 1000, 1500],
    ],
  );
  const hours = await collect(
    await openStream({
      source: 'synthetic',
      window: 'hour',
      synthetic: { ...small, hoursPerWindow: 1 },
      maxWindows: 2,
      maxRowsPerWindow: 10,
    }),
  );
  assert.deepEqual(
    hours.map((w) => [w.id, w.rows]),
    [
      ['24010100', 10],
      ['24010101', 10],
    ],
  );
  await assert.rejects(
    openStream({ source: 'synthetic', window: 'week', synthetic: small }),
    (e: unknown) => e instanceof DataError && /window week needs synthetic\.hoursPerWindow = 168 \(it is 24\)/.test(e.message),
  );
  await assert.rejects(
    openStream({ source: 'synthetic', synthetic: { numFields: 256, vocabPerField: 100_000 } }),
    (e: unknown) => e instanceof DataError && e.code === 'BAD_OPTIONS' && /lower vocabPerField/.test(e.message),
  );
});

/** Log loss of a model fitted on early windows vs one fitted on the previous window, window by window. */
async function staleVsFresh(synthetic: Record<string, unknown>) {
  const s = await openStream({ source: 'synthetic', synthetic, hashSize: 4096 }, { seed: 5 });
  const windows: Window[] = [];
  for await (const w of s.windows()) windows.push(w);
  const stale = new HashedLogistic(s.schema);
  await stale.train(windows[0], 2);
  await stale.train(windows[1], 2);
  const rows: { t: number; stale: number; fresh: number }[] = [];
  for (let t = 2; t < windows.length; t++) {
    const fresh = new HashedLogistic(s.schema);
    await fresh.train(windows[t - 1], 2);
    rows.push({ t, stale: await stale.logLoss(windows[t]), fresh: await fresh.logLoss(windows[t]) });
  }
  return rows;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const driftBase = { windows: 10, rowsPerWindow: 12_000, numFields: 8, numDense: 4, vocabPerField: 400, labelNoise: 0.02 };

test('synthetic drift is real: a model fitted on early windows degrades later, one fitted on the latest window does not', async () => {
  const r = await staleVsFresh({ ...driftBase, driftStd: 0.3, shiftEvery: 4, shiftScale: 1.5, rankRotation: 0.1, newIdRate: 0.02 });
  const early = r.slice(0, 2);
  const late = r.slice(-4);
  const staleLate = mean(late.map((x) => x.stale));
  const freshLate = mean(late.map((x) => x.fresh));
  // The stale model gets worse with time…
  assert.ok(staleLate - mean(early.map((x) => x.stale)) > 0.03, JSON.stringify(r));
  // …and is clearly worse than a model fitted on the latest window…
  assert.ok(staleLate - freshLate > 0.03, JSON.stringify(r));
  // …which does not degrade over time.
  assert.ok(freshLate - mean(early.map((x) => x.fresh)) < 0.02, JSON.stringify(r));
});

test('synthetic control: without drift, the early model stays as good as a fresh one', async () => {
  const r = await staleVsFresh({ ...driftBase, driftStd: 0, shiftEvery: 0, rankRotation: 0, newIdRate: 0 });
  const late = r.slice(-4);
  // Trained on two windows, the stale model is at least as good as a one-window fresh model.
  assert.ok(mean(late.map((x) => x.stale)) - mean(late.map((x) => x.fresh)) < 0.005, JSON.stringify(r));
});

test('synthetic: the historical stream is unchanged by the new options (configs in the wild read the same rows)', async () => {
  const { createHash } = await import('node:crypto');
  const ws = await collect(await openStream({ source: 'synthetic', hashSize: 997, synthetic: { windows: 3, rowsPerWindow: 3000, numFields: 6, numDense: 4, vocabPerField: 300 } }, { seed: 7 }));
  // sha256 of these rows as generated before signalScale and synthetic.seed existed.
  assert.equal(createHash('sha256').update(JSON.stringify(ws)).digest('hex'), '287c7b8b94cc97d9b80ea7a7f0b99fa911f71dba66a9dd73ec52a2d18b2bb30d');
  // synthetic.seed is a data seed: it replaces the experiment seed for the stream only.
  assert.deepEqual(await collect(await openStream({ source: 'synthetic', hashSize: 997, synthetic: { ...small, seed: 7 } }, { seed: 1 })), ws);
});

test('synthetic: signalScale strengthens the teacher (its own NE falls) without moving ids or dense values', async () => {
  const { SyntheticGenerator } = await import('./synthetic-stream.js');
  const { dataConfig } = await import('@driftprune/config');
  const { Rng } = await import('../../random/rng.js');
  const teacherNE = (signalScale: number) => {
    const gen = new SyntheticGenerator(dataConfig.parse({ source: 'synthetic', synthetic: { ...small, signalScale, labelNoise: 0 } }), 3, false);
    const dense = new Float32Array(4);
    const cat = new Int32Array(6);
    const rng = new Rng();
    let ll = 0;
    let pos = 0;
    const st = gen.states().next().value!;
    for (let i = 0; i < st.rows; i++) {
      const y = gen.row(st, i, rng, dense, cat, 0, false);
      ll -= Math.log(y ? gen.lastP : 1 - gen.lastP);
      pos += y;
    }
    const r = pos / st.rows;
    return ll / st.rows / -(r * Math.log(r) + (1 - r) * Math.log(1 - r));
  };
  const [one, three] = [teacherNE(1), teacherNE(3)];
  assert.ok(one > 0.7 && one < 0.9, `teacher NE at scale 1: ${one}`);
  assert.ok(three < 0.55, `teacher NE at scale 3: ${three}`);
  const a = await collect(await openStream({ source: 'synthetic', synthetic: small }, { seed: 3 }));
  const b = await collect(await openStream({ source: 'synthetic', synthetic: { ...small, signalScale: 3 } }, { seed: 3 }));
  assert.deepEqual(
    b.map((w) => [w.cat, w.dense]),
    a.map((w) => [w.cat, w.dense]),
  );
  assert.notDeepEqual(
    b.map((w) => w.labels),
    a.map((w) => w.labels),
  );
});
