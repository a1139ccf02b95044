import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  prune,
  shapeFlops,
  shapeMlpFlops,
  paramsFlops,
  mlpFlops,
  interactionFlops,
  applyNeuronMask,
  expandToShape,
  maskJaccard,
  cubicSparsity,
  regrowNeurons,
  regrowWeights,
  fullNeuronMask,
  neuronScores,
  ALLOCATION_RULES,
  PruningConfigError,
  type Allocation,
  type PruneMask,
} from './index.js';
import { randomParams, smallShape } from './testing.js';
import type { LayerScores, ModelParams } from '@driftprune/engine';

/** Forward pass of the MLP part only (bottom MLP on dense input), in float64: enough to check structure ops. */
function bottomForward(p: ModelParams, x: number[]): number[] {
  let h = x;
  p.bottom.forEach((l, i) => {
    const y: number[] = [];
    for (let j = 0; j < l.outDim; j++) {
      let s = l.b[j];
      for (let k = 0; k < l.inDim; k++) s += l.W[j * l.inDim + k] * h[k] * (l.mask ? l.mask[j * l.inDim + k] : 1);
      y.push(i + 1 < p.bottom.length ? Math.max(0, s) : s);
    }
    h = y;
  });
  return h;
}

test('FLOPs are counted by hand on a small shape', () => {
  const s = smallShape();
  assert.equal(mlpFlops([4, 32, 16, 8]), 2 * (4 * 32 + 32 * 16 + 16 * 8));
  assert.equal(interactionFlops(s), 6 * 2 * 8);
  assert.equal(shapeMlpFlops(s), 2 * (4 * 32 + 32 * 16 + 16 * 8) + 2 * (14 * 32 + 32 * 16 + 16 * 1));
  assert.equal(shapeFlops(s), shapeMlpFlops(s) + 96);
  assert.equal(paramsFlops(randomParams(s)), shapeFlops(s));
});

test('structured pruning removes row j of W_l, b_l[j] and column j of W_(l+1) together', () => {
  const p = randomParams(smallShape());
  const mask = fullNeuronMask(p);
  // Zero the out-weights of neuron 3 of bottom.0: removing it must not change the bottom MLP's output.
  for (let k = 0; k < p.bottom[1].outDim; k++) p.bottom[1].W[k * p.bottom[1].inDim + 3] = 0;
  mask['bottom.0'] = mask['bottom.0'].filter((j) => j !== 3);
  const small = applyNeuronMask(p, mask);
  assert.equal(small.bottom[0].outDim, 31);
  assert.equal(small.bottom[1].inDim, 31);
  assert.deepEqual(small.shape.bottom, [4, 31, 16, 8]);
  assert.equal(small.bottom[0].b[3], p.bottom[0].b[4]);
  assert.equal(small.bottom[1].W[3], p.bottom[1].W[4]);
  const x = [0.3, -1, 2, 0.5];
  const a = bottomForward(p, x);
  const b = bottomForward(small, x);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6));
  // Back to full width: the kept weights return to their positions, the removed neuron is zero.
  const back = expandToShape(small, mask, p.shape);
  assert.equal(back.bottom[0].W[4 * 4 + 2], p.bottom[0].W[4 * 4 + 2]);
  assert.equal(back.bottom[0].W[3 * 4 + 1], 0);
});

for (const allocation of Object.keys(ALLOCATION_RULES) as Allocation[])
  for (const criterion of ['magnitude', 'taylor', 'hybrid'] as const)
    for (const budget of [0.5, 0.75, 0.9])
      test(`structured ${allocation}/${criterion} hits a ${budget} FLOPs budget within ±1 %`, () => {
        const shape = smallShape([96, 64], [128, 64]);
        const p = randomParams(shape, 7);
        const taylor: LayerScores = Object.fromEntries([...p.bottom, ...p.top].map((l, i) => [l.name, l.W.map((w) => Math.abs(w) * (1 + i))]));
        // `learned` takes what gate training learned: any scores and targets, the loop still lands on the budget.
        const learned = { scores: neuronScores(p, { criterion: 'magnitude' }), widths: { 'bottom.0': 40, 'bottom.1': 30, 'top.0': 20, 'top.1': 10 } };
        const r = prune(p, { budget, granularity: 'structured', criterion, allocation, minWidth: 2 }, { taylor, learned });
        assert.ok(Math.abs(r.achievedBudget - budget) <= 0.01, `achieved ${r.achievedBudget}`);
        for (const w of Object.values(r.widths)) assert.ok(w >= 2);
        assert.ok(r.flopsRatio < 1 - budget + 0.02 && r.flopsRatio > 0);
      });

test('an unreachable budget says what to change', () => {
  const p = randomParams(smallShape([8, 8], [8, 8]));
  assert.throws(() => prune(p, { budget: 0.95, granularity: 'structured', criterion: 'magnitude', allocation: 'global', minWidth: 8 }), /lower the budget or minWidth/);
  assert.throws(() => prune(p, { budget: 0.5, granularity: 'structured', criterion: 'taylor', allocation: 'global', minWidth: 2 }), /needs Taylor scores/);
});

test('magnitude criterion removes the neurons with the smallest weights', () => {
  const p = randomParams(smallShape([16, 16], [16, 16]), 11);
  for (const j of [2, 5, 9]) {
    for (let i = 0; i < p.bottom[0].inDim; i++) p.bottom[0].W[j * p.bottom[0].inDim + i] *= 1e-3;
    for (let k = 0; k < p.bottom[1].outDim; k++) p.bottom[1].W[k * p.bottom[1].inDim + j] *= 1e-3;
  }
  const s = neuronScores(p, { criterion: 'magnitude' })['bottom.0'];
  const lowest = Array.from(s.keys()).sort((a, b) => s[a] - s[b]).slice(0, 3).sort((a, b) => a - b);
  assert.deepEqual(lowest, [2, 5, 9]);
});

test('gradual pruning of an already-pruned model keeps masks in dense indices', () => {
  const shape = smallShape([64, 32], [64, 32]);
  const p = randomParams(shape, 2);
  const a = prune(p, { budget: 0.3, granularity: 'structured', criterion: 'magnitude', allocation: 'global', minWidth: 2 });
  const b = prune(a.params, { budget: 0.6, granularity: 'structured', criterion: 'magnitude', allocation: 'global', minWidth: 2 }, { denseShape: shape, currentMask: a.mask });
  assert.ok(Math.abs(b.achievedBudget - 0.6) <= 0.01);
  if (a.mask.granularity !== 'structured' || b.mask.granularity !== 'structured') throw new Error('structured');
  for (const [name, kept] of Object.entries(b.mask.neurons)) {
    const prev = new Set(a.mask.neurons[name]);
    for (const j of kept) assert.ok(prev.has(j), `${name}:${j} was already removed`);
  }
  // The further-pruned model equals pruning the dense model with the composed mask.
  const direct = applyNeuronMask(p, b.mask.neurons);
  assert.deepEqual(direct.top[1].W, b.params.top[1].W);
});

for (const allocation of (Object.keys(ALLOCATION_RULES) as Allocation[]).filter((a) => ALLOCATION_RULES[a].unstructured !== 'unsupported'))
  test(`unstructured ${allocation} pruning masks weights and hits the budget`, () => {
    const p = randomParams(smallShape([64, 32], [64, 32]), 4);
    const taylor: LayerScores = Object.fromEntries([...p.bottom, ...p.top].map((l) => [l.name, l.W.map((w) => w * w)]));
    const r = prune(p, { budget: 0.75, granularity: 'unstructured', criterion: 'hybrid', allocation, minWidth: 2 }, { taylor });
    assert.ok(Math.abs(r.achievedBudget - 0.75) <= 0.01, `achieved ${r.achievedBudget}`);
    for (const l of r.params.bottom) {
      assert.ok(l.mask);
      l.W.forEach((w, i) => { if (!l.mask![i]) assert.equal(w, 0); });
    }
    // Shapes do not change.
    assert.deepEqual(r.params.shape, p.shape);
  });

test('Jaccard index of masks, by hand', () => {
  const a: PruneMask = { granularity: 'structured', neurons: { x: Int32Array.from([0, 1, 2, 3]), y: Int32Array.from([0]) } };
  const b: PruneMask = { granularity: 'structured', neurons: { x: Int32Array.from([2, 3, 4]), y: Int32Array.from([0]) } };
  // ∩ = {x2, x3, y0} = 3; ∪ = {x0..x4, y0} = 6
  assert.equal(maskJaccard(a, b), 0.5);
  assert.equal(maskJaccard(a, a), 1);
  const u: PruneMask = { granularity: 'unstructured', weights: { x: Uint8Array.from([1, 1, 0, 0]) } };
  const v: PruneMask = { granularity: 'unstructured', weights: { x: Uint8Array.from([0, 1, 1, 0]) } };
  assert.equal(maskJaccard(u, v), 1 / 3);
  assert.throws(() => maskJaccard(a, u), /cannot compare/);
});

test('cubic schedule: 0 at the start, the target at the end, concave in between', () => {
  assert.equal(cubicSparsity(0.9, 0, 10), 0);
  assert.equal(cubicSparsity(0.9, 10, 10), 0.9);
  assert.ok(Math.abs(cubicSparsity(0.8, 5, 10) - 0.8 * (1 - 0.125)) < 1e-12);
  let prev = 0;
  let prevStep = Infinity;
  for (let t = 1; t <= 10; t++) {
    const s = cubicSparsity(0.9, t, 10);
    assert.ok(s > prev && s - prev <= prevStep + 1e-12);
    prevStep = s - prev;
    prev = s;
  }
});

test('structured regrowth drops the weakest live neurons and grows the strongest inactive ones', () => {
  const mask = { l: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) };
  const mag = { l: Float64Array.from([5, 0.1, 5, 5, 0.2, 5, 5, 5, 5, 5]) };
  const growth = { l: Float64Array.from({ length: 16 }, (_, j) => (j === 12 ? 10 : j === 15 ? 9 : 0)) };
  const r = regrowNeurons(mask, mag, growth, { l: 16 }, 0.2);
  assert.deepEqual(Array.from(r.mask.l), [0, 2, 3, 5, 6, 7, 8, 9, 12, 15]);
  assert.equal(r.moved.l, 2);
});

test('unstructured regrowth keeps the number of live weights', () => {
  const m = { l: Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0]) };
  const r = regrowWeights(m, { l: Float32Array.from([1, 0.1, 2, 3, 0, 0, 0, 0]) }, { l: Float32Array.from([9, 9, 9, 9, 0, 0.5, 0.1, 0]) }, 0.25);
  assert.deepEqual(Array.from(r.mask.l), [1, 0, 1, 1, 0, 1, 0, 0]);
});

test('a budget the model cannot reach is a permanent, coded PruningConfigError', () => {
  const p = randomParams(smallShape(), 1);
  const err = (() => {
    try {
      prune(p, { budget: 0.999, granularity: 'structured', criterion: 'magnitude', allocation: 'greedy', minWidth: 4 });
    } catch (e) {
      return e;
    }
    return null;
  })();
  assert.ok(err instanceof PruningConfigError, String(err));
  assert.equal(err.code, 'PRUNING_BUDGET_UNREACHABLE');
  assert.equal(err.permanent, true);
  assert.match(err.message, /^PRUNING_BUDGET_UNREACHABLE: budget 0.999 cannot be met: every prunable layer is at minWidth 4/);
});
