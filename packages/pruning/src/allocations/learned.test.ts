import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mlpCost } from '../allocation.js';
import { prune } from '../prune.js';
import { randomParams, smallShape } from '../testing.js';
import { learned } from './learned.js';

test('learned: the next neuron comes from the layer furthest above its learned width', () => {
  const c = { score: 1, normalised: 1, saved: 10, denseWidth: 64 };
  assert.ok(learned.structuredKey({ ...c, width: 40, target: 10 }) < learned.structuredKey({ ...c, width: 40, target: 30 }));
  assert.equal(learned.needsTargets, true);
  assert.equal(learned.unstructured, 'unsupported');
});

test('learned allocation keeps the learned widths and, within a layer, the neurons with the highest gates', () => {
  const shape = smallShape([64, 64], [64, 64]);
  const p = randomParams(shape, 3);
  // Gates: neuron j of every layer has gate j / 64, so the kept neurons must be the highest indices.
  const scores = Object.fromEntries(['bottom.0', 'bottom.1', 'top.0', 'top.1'].map((n) => [n, Float64Array.from({ length: 64 }, (_, j) => j / 64)]));
  // Targets very different across layers, and the budget they meet by themselves.
  const widths = { 'bottom.0': 56, 'bottom.1': 12, 'top.0': 40, 'top.1': 8 };
  const at = (w: typeof widths) => mlpCost({ bottom: [shape.bottom[0], w['bottom.0'], w['bottom.1'], shape.bottom[3]], top: [shape.top[0], w['top.0'], w['top.1'], 1] }, 'flops');
  const budget = 1 - at(widths) / mlpCost({ bottom: shape.bottom, top: shape.top }, 'flops');
  const r = prune(p, { budget, granularity: 'structured', criterion: 'magnitude', allocation: 'learned', minWidth: 4 }, { learned: { scores, widths } });
  assert.ok(Math.abs(r.achievedBudget - budget) <= 0.01, `achieved ${r.achievedBudget} of ${budget}`);
  for (const [name, w] of Object.entries(widths)) assert.ok(Math.abs(r.widths[name] - w) <= 3, `${name}: ${r.widths[name]} vs learned ${w}`);
  if (r.mask.granularity !== 'structured') throw new Error('structured');
  for (const [name, kept] of Object.entries(r.mask.neurons)) assert.deepEqual([...kept], Array.from({ length: kept.length }, (_, i) => 64 - kept.length + i), name);
});

test('learned allocation needs what was learned, and is structured only', () => {
  const p = randomParams(smallShape([16, 16], [16, 16]), 1);
  assert.throws(() => prune(p, { budget: 0.5, granularity: 'structured', criterion: 'magnitude', allocation: 'learned', minWidth: 2 }), /learned beforehand/);
  assert.throws(() => prune(p, { budget: 0.5, granularity: 'unstructured', criterion: 'magnitude', allocation: 'learned', minWidth: 2 }, { learned: { scores: {}, widths: {} } }), /structured only/);
});
