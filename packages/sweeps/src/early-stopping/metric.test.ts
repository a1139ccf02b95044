import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runningMetric, windowValues, type WindowNe } from './metric.js';
import { earlyStoppingRule, EARLY_STOPPING_RULES } from './registry.js';

const row = (window: number, model: 'dense' | 'serving', ne: number | null, extra: Partial<WindowNe> = {}): WindowNe => ({ window, model, ne, warmup: false, excluded: null, ...extra });

test('ΔNE % per window from the serving and dense NE; warm-up, excluded and one-class windows do not count', () => {
  const rows = [
    row(0, 'dense', 0.8, { warmup: true }),
    row(0, 'serving', 0.8, { warmup: true }),
    row(1, 'dense', 0.8),
    row(1, 'serving', 0.82),
    row(2, 'dense', 0.5),
    row(2, 'serving', 0.51),
    row(3, 'dense', null, { excluded: 'one_class' }),
    row(3, 'serving', null, { excluded: 'one_class' }),
    row(4, 'dense', 0.9),
    row(4, 'serving', 0.9, { excluded: 'few_rows' }),
  ];
  const v = windowValues(rows, 'deltaNe');
  assert.deepEqual([...v.keys()].sort(), [1, 2]);
  assert.ok(Math.abs(v.get(1)! - 2.5) < 1e-9);
  assert.ok(Math.abs(v.get(2)! - 2) < 1e-9);
  assert.ok(Math.abs(runningMetric(rows, 'deltaNe', 2)! - 2.25) < 1e-9);
  assert.ok(Math.abs(runningMetric(rows, 'deltaNe', 1)! - 2.5) < 1e-9, 'only windows up to the boundary');
  assert.ok(Math.abs(runningMetric(rows, 'ne', 4)! - 0.665) < 1e-9);
  assert.equal(runningMetric(rows, 'deltaNe', 0), null);
});

test('the registry builds every rule by its name', () => {
  assert.deepEqual(EARLY_STOPPING_RULES, ['median', 'asha']);
  assert.equal(earlyStoppingRule({ rule: 'median', metric: 'deltaNe', minWindow: 1, minPeers: 1 }).name, 'median');
  assert.equal(earlyStoppingRule({ rule: 'asha', metric: 'ne', minWindow: 1, reductionFactor: 2, minPeers: 1 }).name, 'asha');
});
