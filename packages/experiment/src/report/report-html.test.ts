import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportHtml } from './report-html.js';
import type { WindowMetric } from '../types.js';

const metric = (window: number, model: 'dense' | 'serving', ne: number): WindowMetric => ({
  window, windowId: `w${window}`, model, rows: 100, ne, logLoss: 0.4, auc: 0.7, calibration: 1, sparsity: 0, flops: 1, params: 1, warmup: window < 1,
});

test('the report is self-contained and has the four charts', () => {
  const html = reportHtml({
    title: 'run <x>',
    config: { a: 1 },
    summary: { paradigm: 'd2s', windows: 3, meanDeltaNEPct: 1, maxDeltaNEPct: 2, servingFlopsRatio: 0.3, servingParamsRatio: 0.9, servingSpeedup: 2, refreshes: 1, trainingFlops: 1e9, wallSec: 3 },
    metrics: [metric(0, 'dense', 0.9), metric(1, 'dense', 0.85), metric(1, 'serving', 0.86), metric(2, 'dense', 0.84), metric(2, 'serving', 0.87)],
    refreshes: [{ window: 0, trigger: 'warmup_end', widths: { 'bottom.0': 8, 'top.0': 4 }, jaccard: 1, flopsRatio: 0.3 }],
    serving: [
      { window: 1, model: 'dense', batchSize: 64, p50Ms: 1, p99Ms: 2, samplesPerSec: 64000, parityMaxAbsDiff: 1e-7 },
      { window: 1, model: 'serving', batchSize: 64, p50Ms: 0.5, p99Ms: 1, samplesPerSec: 128000, parityMaxAbsDiff: 1e-7 },
    ],
  });
  assert.equal((html.match(/<svg /g) ?? []).length, 4);
  assert.ok(!/<script|src=|href=/.test(html), 'no external or scripted content');
  assert.ok(html.includes('run &lt;x&gt;'));
  assert.ok(html.includes('class="marker"'));
  assert.ok(html.includes('bottom.0:8'));
});

test('a one-class window (NE null) is a gap in the NE and ΔNE% lines', () => {
  const oneClass = (model: 'dense' | 'serving'): WindowMetric => ({ ...metric(2, model, 0), ne: null, auc: null, calibration: null, excluded: 'one_class' });
  const html = reportHtml({
    title: 'gap',
    config: {},
    summary: { paradigm: 'd2s', windows: 4, meanDeltaNEPct: 1, maxDeltaNEPct: 2, servingFlopsRatio: 0.3, servingParamsRatio: 0.9, servingSpeedup: null, refreshes: 1, trainingFlops: 1e9, wallSec: 3 },
    metrics: [metric(0, 'dense', 0.9), metric(1, 'dense', 0.85), metric(1, 'serving', 0.86), oneClass('dense'), oneClass('serving'), metric(3, 'dense', 0.84), metric(3, 'serving', 0.87)],
    refreshes: [],
    serving: [],
  });
  const ne = html.slice(html.indexOf('NE per window'), html.indexOf('ΔNE% of the serving model'));
  // dense: windows 0–1 and 3; serving: 1 and 3 — four runs of points, none through window 2.
  assert.equal((ne.match(/<polyline/g) ?? []).length, 4);
  const delta = html.slice(html.indexOf('ΔNE% of the serving model'), html.indexOf('Kept width per layer'));
  assert.equal((delta.match(/<polyline/g) ?? []).length, 2);
  assert.doesNotMatch(html, /NaN/);
});
