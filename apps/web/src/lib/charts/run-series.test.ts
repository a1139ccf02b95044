import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latestServingTable, mergeMetricPoints, neSeries, pointX, servingSeries } from './run-series.js';
import { alignSeries } from './series.js';

const mp = (window: number, model: string, ne: number | null, windowEnd = window) => ({ window, windowEnd, model, ne, warmup: window < 2 });

test('a downsampled point sits in the middle of its bucket', () => {
  assert.equal(pointX({ window: 4, windowEnd: 4 }), 4);
  assert.equal(pointX({ window: 4, windowEnd: 7 }), 5.5);
});

test('neSeries splits models and computes ΔNE% where both exist', () => {
  const s = neSeries([mp(1, 'serving', 0.9), mp(0, 'dense', 0.8), mp(1, 'dense', 0.8)]);
  assert.deepEqual(s.dense.map((p) => p.x), [0, 1]);
  assert.deepEqual(s.serving, [{ x: 1, y: 0.9 }]);
  assert.equal(s.delta.length, 1);
  assert.ok(Math.abs(s.delta[0].y! - 12.5) < 1e-9);
});

test('a one-class window (NE null from the API) is a gap in the NE and ΔNE% lines, not a zero or a spike', () => {
  const s = neSeries([mp(0, 'dense', 0.8), mp(1, 'dense', null), mp(2, 'dense', 0.7), mp(0, 'serving', 0.84), mp(1, 'serving', null), mp(2, 'serving', 0.7)]);
  assert.deepEqual(s.delta.map((p) => p.x), [0, 2], 'no ΔNE% where NE is undefined');
  const [xs, dense, serving] = alignSeries([s.dense, s.serving]);
  assert.deepEqual(xs, [0, 1, 2]);
  assert.deepEqual(dense, [0.8, null, 0.7]);
  assert.deepEqual(serving, [0.84, null, 0.7]);
});

test('mergeMetricPoints replaces a replayed window instead of duplicating it', () => {
  const merged = mergeMetricPoints([mp(0, 'dense', 0.8), mp(1, 'dense', 0.7)], [mp(1, 'dense', 0.75), mp(2, 'dense', 0.7)]);
  assert.deepEqual(
    merged.map((p) => [p.window, p.ne]),
    [
      [0, 0.8],
      [1, 0.75],
      [2, 0.7],
    ],
  );
});

test('serving series and the latest table pair dense with serving per batch size', () => {
  const evals = [
    { window: 3, model: 'dense', batchSize: 64, p50Ms: 2, p99Ms: 3, samplesPerSec: 32000 },
    { window: 3, model: 'serving', batchSize: 64, p50Ms: 1, p99Ms: 1.5, samplesPerSec: 64000 },
    { window: 7, model: 'dense', batchSize: 64, p50Ms: 2.2, p99Ms: 3, samplesPerSec: 29000 },
    { window: 7, model: 'serving', batchSize: 64, p50Ms: 1.1, p99Ms: 1.6, samplesPerSec: 58000 },
    { window: 7, model: 'dense', batchSize: 1, p50Ms: 0.2, p99Ms: 0.3, samplesPerSec: 5000 },
  ];
  const s = servingSeries(evals, 64, 'p50Ms');
  assert.deepEqual(s.dense, [
    { x: 3, y: 2 },
    { x: 7, y: 2.2 },
  ]);
  const t = latestServingTable(evals);
  assert.equal(t.window, 7);
  assert.deepEqual(t.rows.map((r) => r.batchSize), [1, 64]);
  assert.equal(t.rows[0].serving, null);
  assert.equal(t.rows[0].speedup, null);
  assert.ok(Math.abs(t.rows[1].speedup! - 2) < 1e-12);
});

test('dense layer widths follow the pruning package names for structured pruning only', async () => {
  const { denseLayerWidths } = await import('./run-series.js');
  assert.deepEqual(denseLayerWidths({ model: { bottomMlp: [64, 32], topMlp: [128] }, pruning: { granularity: 'structured' } }), {
    'bottom.0': 64,
    'bottom.1': 32,
    'top.0': 128,
  });
  assert.deepEqual(denseLayerWidths({ model: { bottomMlp: [64] }, pruning: { granularity: 'unstructured' } }), {});
});
