import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerScores } from '@driftprune/engine';
import { prune } from '../prune.js';
import { randomParams, smallShape } from '../testing.js';
import { greedy } from './greedy.js';

test('greedy: the least estimated loss increase per unit of cost saved goes next; ranks by sensitivity', () => {
  const c = { width: 10, denseWidth: 10, normalised: 1 };
  // Same sensitivity, twice the saving: removed first.
  assert.ok(greedy.structuredKey({ ...c, score: 1, saved: 20 }) < greedy.structuredKey({ ...c, score: 1, saved: 10 }));
  assert.equal(greedy.ranksBySensitivity, true);
  if (typeof greedy.unstructured !== 'function') throw new Error('greedy thresholds across layers');
  const s = Float64Array.from([3, 1, 2]);
  assert.deepEqual([...greedy.unstructured(s, Uint8Array.from([1, 1, 1]))], [3, 1, 2]);
});

test('greedy allocation gives different per-layer sparsities when the layers differ in sensitivity', () => {
  // Four layers of the same width; the Taylor sensitivity of top.0 is 100× that of the others.
  const shape = smallShape([64, 64], [64, 64]);
  const p = randomParams(shape, 3);
  const factor: Record<string, number> = { 'top.0': 100 };
  const taylor: LayerScores = Object.fromEntries([...p.bottom, ...p.top].map((l) => [l.name, l.W.map((w) => Math.abs(w) * (factor[l.name] ?? 1))]));
  const opts = { budget: 0.6, granularity: 'structured' as const, criterion: 'taylor' as const, minWidth: 4 };
  const greedy = prune(p, { ...opts, allocation: 'greedy' }, { taylor });
  const uniform = prune(p, { ...opts, allocation: 'uniform' }, { taylor });
  assert.ok(Math.abs(greedy.achievedBudget - 0.6) <= 0.01);
  // The sensitive layer keeps most of its neurons, the insensitive ones lose more than the uniform share.
  assert.ok(greedy.widths['top.0'] > 48, JSON.stringify(greedy.widths));
  assert.ok(greedy.widths['bottom.1'] < uniform.widths['bottom.1'], JSON.stringify({ greedy: greedy.widths, uniform: uniform.widths }));
  const sp = Object.values(greedy.widths).map((w) => 1 - w / 64);
  assert.ok(Math.max(...sp) - Math.min(...sp) > 0.3, sp.join(','));
});

test('greedy allocation removes the least loss per FLOP: a cheap sensitive layer survives', () => {
  // Same sensitivities everywhere, but bottom.0 neurons are cheap (4 inputs): per FLOP they are the most costly
  // to remove relative to what they save, so the greedy keeps them longer than uniform does.
  const shape = smallShape([64, 64], [64, 64]);
  const p = randomParams(shape, 5);
  const taylor: LayerScores = Object.fromEntries([...p.bottom, ...p.top].map((l) => [l.name, new Float32Array(l.W.length).fill(1 / l.inDim)]));
  const r = prune(p, { budget: 0.5, granularity: 'structured', criterion: 'taylor', allocation: 'greedy', minWidth: 4 }, { taylor });
  assert.ok(Math.abs(r.achievedBudget - 0.5) <= 0.01);
  assert.notEqual(new Set(Object.values(r.widths)).size, 1, JSON.stringify(r.widths));
});

