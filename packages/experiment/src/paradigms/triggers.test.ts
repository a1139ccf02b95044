import { test } from 'node:test';
import assert from 'node:assert/strict';
import { experimentConfig, parseConfig, type ParadigmConfig } from '@driftprune/config';
import { adaptiveTrigger, adaptiveNeedsJaccard, gradualPruneNow, gradualTarget, isWarmupEnd, periodicDue } from './triggers.js';

function paradigm(p: Record<string, unknown>): ParadigmConfig {
  return parseConfig(experimentConfig, { data: { source: 'synthetic' }, paradigm: p, pruning: { budget: 0.75 } }).paradigm;
}

test('d2s refreshes at the end of warm-up and then every r windows', () => {
  const p = paradigm({ kind: 'd2s', r: 2, warmupWindows: 2 });
  const due = Array.from({ length: 8 }, (_, t) => (isWarmupEnd(p, t) ? 'w' : periodicDue(p, t) ? 'r' : '.')).join('');
  assert.equal(due, '.w.r.r.r');
  const p1 = paradigm({ kind: 'd2s', r: 1, warmupWindows: 1 });
  assert.equal(Array.from({ length: 4 }, (_, t) => (isWarmupEnd(p1, t) ? 'w' : periodicDue(p1, t) ? 'r' : '.')).join(''), 'wrrr');
  assert.equal(periodicDue(paradigm({ kind: 'prune_once' }), 3), false);
  assert.equal(isWarmupEnd(paradigm({ kind: 'dense' }), 1), false);
});

test('adaptive_d2s fires on ΔNE or Jaccard only within [rMin, rMax]', () => {
  const p = paradigm({ kind: 'adaptive_d2s', tau: 1, jaccardBound: 0.7, rMin: 2, rMax: 5, requireGrowingGap: false });
  if (p.kind !== 'adaptive_d2s') throw new Error('kind');
  assert.equal(adaptiveTrigger(p, { sinceRefresh: 1, deltaNEPct: 9, jaccard: 0 }), null);
  assert.equal(adaptiveTrigger(p, { sinceRefresh: 2, deltaNEPct: 1.5, jaccard: 1 }), 'delta_ne');
  assert.equal(adaptiveTrigger(p, { sinceRefresh: 2, deltaNEPct: 0.5, jaccard: 0.6 }), 'jaccard');
  assert.equal(adaptiveTrigger(p, { sinceRefresh: 4, deltaNEPct: 0.5, jaccard: 0.8 }), null);
  assert.equal(adaptiveTrigger(p, { sinceRefresh: 5, deltaNEPct: 0, jaccard: 1 }), 'r_max');
  assert.equal(adaptiveTrigger(p, { sinceRefresh: 3, deltaNEPct: NaN, jaccard: NaN }), null);
  assert.equal(adaptiveNeedsJaccard(p, 1, 0), false);
  assert.equal(adaptiveNeedsJaccard(p, 3, 0), true);
  assert.equal(adaptiveNeedsJaccard(p, 3, 2), false);
});

test('gradual ramps by the cubic schedule over rampWindows after warm-up', () => {
  const p = paradigm({ kind: 'gradual', warmupWindows: 2, rampWindows: 4, everySteps: 10 });
  if (p.kind !== 'gradual') throw new Error('kind');
  assert.equal(gradualTarget(p, 0.8, 1, 5, 10), 0);
  assert.equal(gradualTarget(p, 0.8, 2, 0, 10), 0);
  assert.ok(Math.abs(gradualTarget(p, 0.8, 4, 0, 10) - 0.8 * (1 - 0.125)) < 1e-12);
  assert.equal(gradualTarget(p, 0.8, 6, 0, 10), 0.8);
  assert.equal(gradualPruneNow(p, 2, 10), true);
  assert.equal(gradualPruneNow(p, 2, 5), false);
  assert.equal(gradualPruneNow(p, 6, 10), false);
});

test('adaptive_d2s with requireGrowingGap ignores a shrinking gap (the pruning shock being recovered)', () => {
  const p = paradigm({ kind: 'adaptive_d2s', tau: 1, jaccardBound: 0.7, rMin: 1, rMax: 8 });
  if (p.kind !== 'adaptive_d2s') throw new Error('kind');
  assert.equal(p.requireGrowingGap, true);
  // First window after a refresh: no earlier gap of this model, so the shock alone never fires.
  assert.equal(adaptiveTrigger(p, { sinceRefresh: 1, deltaNEPct: 12, jaccard: 1 }), null);
  assert.equal(adaptiveTrigger(p, { sinceRefresh: 2, deltaNEPct: 4, prevDeltaNEPct: 12, jaccard: 1 }), null);
  assert.equal(adaptiveTrigger(p, { sinceRefresh: 3, deltaNEPct: 2, prevDeltaNEPct: 0.5, jaccard: 1 }), 'delta_ne');
  assert.equal(adaptiveTrigger(p, { sinceRefresh: 3, deltaNEPct: 0.8, prevDeltaNEPct: 0.5, jaccard: 1 }), null);
  assert.equal(adaptiveNeedsJaccard(p, 2, 4, 12), true);
});
