import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunContext } from '../run/context.js';
import { runTiny, tinyConfig } from '../test-support.js';
import { paradigmConfig } from '../triggers/test-support.js';
import { adaptBudget } from './adaptive-d2s.js';

test('adaptive_d2s: refreshes come from its triggers within [rMin, rMax]', async () => {
  // A gap that never fires and a Jaccard bound no mask can be under: only rMax refreshes.
  const rMaxOnly = await runTiny(tinyConfig({ kind: 'adaptive_d2s', rMin: 1, rMax: 2, tau: 1000, jaccardBound: 0 }));
  assert.deepEqual(rMaxOnly.refreshes.map((r) => [r.window, r.trigger]), [[0, 'warmup_end'], [2, 'r_max'], [4, 'r_max']]);
  // Jaccard bound 1: it fires whenever the dense model's mask is no longer the serving one, and the refresh's mask
  // is that candidate (its Jaccard to the previous mask is below 1).
  const jaccard = await runTiny(tinyConfig({ kind: 'adaptive_d2s', rMin: 1, rMax: 8, tau: 1000, jaccardBound: 1 }));
  const later = jaccard.refreshes.slice(1);
  assert.ok(later.length >= 3, `refreshes after warm-up: ${later.length}`);
  for (const r of later) {
    assert.equal(r.trigger, 'jaccard');
    assert.ok(r.jaccard < 1, `jaccard ${r.jaccard}`);
  }
});

test('adaptive_d2s with budget adaptation: the budget of each refresh follows the gap, within [min, max]', async () => {
  // A gap threshold nothing reaches (the gap is small): every refresh prunes more, by 0.1, up to 0.9.
  const more = await runTiny(tinyConfig({ kind: 'adaptive_d2s', rMin: 1, rMax: 1, tau: 1000, budgetAdaptation: { enabled: true, step: 0.1, min: 0.3, max: 0.9, lowGapPct: 1000 } }));
  const ratios = more.refreshes.map((r) => r.flopsRatio);
  for (let i = 1; i < ratios.length; i++) assert.ok(ratios[i] < ratios[i - 1] || ratios[i - 1] < 0.2, ratios.join(', '));
  assert.ok(ratios.at(-1)! < ratios[0] - 0.2, ratios.join(', '));
  // Off (the default): every refresh at pruning.budget.
  const off = await runTiny(tinyConfig({ kind: 'adaptive_d2s', rMin: 1, rMax: 1 }));
  assert.ok(Math.max(...off.refreshes.map((r) => r.flopsRatio)) - Math.min(...off.refreshes.map((r) => r.flopsRatio)) < 0.05);
});

test('adaptBudget: less pruning after a mean gap above tau, more below lowGapPct, the same between; clamped', () => {
  const p = paradigmConfig({ kind: 'adaptive_d2s', tau: 1, budgetAdaptation: { enabled: true, step: 0.05, min: 0.5, max: 0.8, lowGapPct: 0.25 } });
  const m = (window: number, model: 'dense' | 'serving', ne: number) => ({ window, windowId: '', model, rows: 100, ne, logLoss: 0, auc: 0.5, calibration: 1, sparsity: 0, flops: 1, params: 1, warmup: false });
  // Serving gaps since the refresh after window 1: windows 2 and 3.
  const run = (gapPct: number) => ({ st: { lastRefreshWindow: 1, metrics: [m(1, 'dense', 1), m(1, 'serving', 1.5), m(2, 'dense', 1), m(2, 'serving', 1 + gapPct / 100), m(3, 'dense', 1), m(3, 'serving', 1 + gapPct / 100)] } }) as unknown as RunContext;
  assert.ok(Math.abs(adaptBudget(run(2), p, 3, 0.75) - 0.7) < 1e-12, 'wide gap: prune less');
  assert.ok(Math.abs(adaptBudget(run(0.1), p, 3, 0.75) - 0.8) < 1e-12, 'narrow gap: prune more');
  assert.equal(adaptBudget(run(0.5), p, 3, 0.75), 0.75);
  assert.equal(adaptBudget(run(0.1), p, 3, 0.8), 0.8, 'clamped at max');
  assert.equal(adaptBudget(run(5), p, 3, 0.5), 0.5, 'clamped at min');
});
