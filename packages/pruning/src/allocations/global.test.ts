import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerScores } from '@driftprune/engine';
import { prune } from '../prune.js';
import { randomParams, smallShape } from '../testing.js';
import { global } from './global.js';

test('global: one threshold on scores divided by their layer mean (kept weights only)', () => {
  const c = { width: 10, denseWidth: 10, saved: 10 };
  assert.ok(global.structuredKey({ ...c, score: 100, normalised: 0.5 }) < global.structuredKey({ ...c, score: 1, normalised: 0.9 }));
  if (typeof global.unstructured !== 'function') throw new Error('global thresholds across layers');
  const ranks = global.unstructured(Float64Array.from([2, 4, 100]), Uint8Array.from([1, 1, 0]));
  assert.deepEqual([...ranks], [2 / 3, 4 / 3, 100 / 3]);
});

test('global allocation is blind to a layer-wide scale factor (greedy is not)', () => {
  const shape = smallShape([64, 64], [64, 64]);
  const p = randomParams(shape, 3);
  const plain: LayerScores = Object.fromEntries([...p.bottom, ...p.top].map((l) => [l.name, l.W.map((w) => Math.abs(w))]));
  // Every weight of the top MLP 100× more important: each top neuron's score (in- plus out-weights) scales alike.
  const scaled: LayerScores = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, k.startsWith('top') ? v.map((x) => x * 100) : v]));
  const opts = { budget: 0.6, granularity: 'structured' as const, criterion: 'taylor' as const, allocation: 'global' as const, minWidth: 4 };
  assert.deepEqual(prune(p, opts, { taylor: scaled }).widths, prune(p, opts, { taylor: plain }).widths);
  const greedy = { ...opts, allocation: 'greedy' as const };
  assert.notDeepEqual(prune(p, greedy, { taylor: scaled }).widths, prune(p, greedy, { taylor: plain }).widths);
});
