import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignSeries, decimate, deltaNePct, heatColor, widthHeatmap } from './series.js';

test('alignSeries merges x values and leaves gaps as null', () => {
  const [xs, a, b] = alignSeries([
    [{ x: 2, y: 0.8 }, { x: 0, y: 1 }],
    [{ x: 1, y: 0.5 }, { x: 2, y: Number.NaN }],
  ]);
  assert.deepEqual(xs, [0, 1, 2]);
  assert.deepEqual(a, [1, null, 0.8]);
  assert.deepEqual(b, [null, 0.5, null]);
});

test('deltaNePct is 100·(serving/dense − 1) on windows both models have', () => {
  const d = deltaNePct(
    [{ x: 0, y: 0.8 }, { x: 1, y: 0.8 }, { x: 2, y: 0.5 }],
    [{ x: 1, y: 0.84 }, { x: 2, y: 0.5 }, { x: 3, y: 0.9 }],
  );
  assert.equal(d.length, 2);
  assert.ok(Math.abs(d[0].y! - 5) < 1e-9);
  assert.equal(d[1].y, 0);
});

test('widthHeatmap orders refreshes by window and uses dense widths as 100 %', () => {
  const h = widthHeatmap(
    [
      { window: 6, widths: { 'top.0': 40, 'bottom.0': 100, extra: 3 } },
      { window: 2, widths: { 'top.0': 64, 'bottom.0': 128 } },
    ],
    { 'bottom.0': 512, 'bottom.1': 256, 'top.0': 128 },
  );
  assert.deepEqual(h.layers, ['bottom.0', 'top.0', 'extra'], 'dense order first, unreported dense layers left out');
  assert.deepEqual(h.windows, [2, 6]);
  assert.deepEqual(h.values, [[128, 100], [64, 40], [null, 3]]);
  assert.deepEqual(h.full, [512, 128, 3]);
});

test('heatColor darkens with the fraction and clamps', () => {
  assert.equal(heatColor(0), 'hsl(212 70% 95.0%)');
  assert.equal(heatColor(1), 'hsl(212 70% 35.0%)');
  assert.equal(heatColor(7), heatColor(1));
});

test('decimate keeps spikes and the end points of a 10k series', () => {
  const pts = Array.from({ length: 10_000 }, (_, i) => ({ x: i, y: i === 5_000 ? 100 : Math.sin(i / 50) }));
  const d = decimate(pts, 800);
  assert.ok(d.length <= 800, `got ${d.length}`);
  assert.equal(d[0].x, 0);
  assert.equal(d[d.length - 1].x, 9_999);
  assert.ok(d.some((p) => p.y === 100), 'the spike survives');
  assert.ok(d.every((p, i) => i === 0 || p.x > d[i - 1].x), 'x stays increasing');
});

test('robustYMax clips the axis under one outlier and counts what it hides; leaves ordinary data alone', async () => {
  const { robustYMax } = await import('./series.js');
  const lat = [1.1, 1.0, 1.2, 0.9, 1.05, 1.15, 1.0, 1.1, 0.95, 1.0, 40];
  const r = robustYMax(lat);
  assert.ok(r && r.max < 2 && r.max > 1.2, JSON.stringify(r));
  assert.equal(r!.above, 1);
  assert.equal(robustYMax([1, 2, 3, 4, 5, 6]), null);
  assert.equal(robustYMax([1, 100]), null, 'too few values to call one an outlier');
});

test('median of an even and an odd count, skipping missing values', async () => {
  const { median } = await import('./series.js');
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, null, 2, 3]), 2.5);
  assert.equal(median([]), null);
});
