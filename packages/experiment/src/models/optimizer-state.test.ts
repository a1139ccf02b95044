// Optimizer state follows the weights through structured pruning: every kept entry keeps its own accumulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type OptimizerState, type ModelParams, createTrainer } from '@driftprune/engine';
import { applyNeuronMask, type NeuronMask } from '@driftprune/pruning';
import { randomParams, smallShape } from '@driftprune/pruning/testing';
import { expandOptimizerState, sliceOptimizerState } from './optimizer-state.js';

// bottom 4-6-5-8, top 14-7-4-1: small enough to check every entry.
const shape = smallShape([6, 5], [7, 4]);
const params = randomParams(shape, 11);
const layerNames = [...params.bottom, ...params.top].map((l) => l.name);

/** A value that names its slot, layer, row and column, exact in float32. Column 99 stands for the bias. */
const code = (slot: number, layer: string, row: number, col: number) => slot * 1_000_000 + layerNames.indexOf(layer) * 10_000 + row * 100 + col;

function codedState(kind: 'adagrad' | 'adam', p: ModelParams): OptimizerState {
  const slots = kind === 'adagrad' ? 1 : 2;
  const layers: OptimizerState['layers'] = {};
  for (const l of [...p.bottom, ...p.top])
    layers[l.name] = {
      W: Array.from({ length: slots }, (_, k) => Float32Array.from({ length: l.outDim * l.inDim }, (_, i) => code(k, l.name, Math.floor(i / l.inDim), i % l.inDim))),
      b: Array.from({ length: slots }, (_, k) => Float32Array.from({ length: l.outDim }, (_, r) => code(k, l.name, r, 99))),
    };
  const rows = p.shape.tableSizes.reduce((a, b) => a + b, 0);
  const embeddings = Array.from({ length: slots }, (_, k) => Float32Array.from({ length: rows * p.shape.embeddingDim }, (_, i) => k * 7 + i));
  return { kind, step: 42, layers, embeddings };
}

// Kept neurons (dense indices, sorted as masks are) of the four hidden layers.
const maskA: NeuronMask = {
  'bottom.0': Int32Array.from([0, 2, 5]),
  'bottom.1': Int32Array.from([1, 4]),
  'top.0': Int32Array.from([0, 3, 4, 6]),
  'top.1': Int32Array.from([2, 3]),
};
/** A subset of maskA: pruning an already pruned model further (gradual). */
const maskB: NeuronMask = {
  'bottom.0': Int32Array.from([2, 5]),
  'bottom.1': Int32Array.from([4]),
  'top.0': Int32Array.from([0, 6]),
  'top.1': Int32Array.from([3]),
};

/** Dense row and column indices of every layer under a neuron mask (identity where the layer is not pruned). */
function denseIndices(mask: NeuronMask): Record<string, { rows: number[]; cols: number[] }> {
  const out: Record<string, { rows: number[]; cols: number[] }> = {};
  for (const mlp of ['bottom', 'top'] as const) {
    const ls = params[mlp];
    ls.forEach((l, i) => {
      const rows = i + 1 < ls.length ? [...mask[l.name]] : Array.from({ length: l.outDim }, (_, r) => r);
      const cols = i === 0 ? Array.from({ length: l.inDim }, (_, c) => c) : [...mask[ls[i - 1].name]];
      out[l.name] = { rows, cols };
    });
  }
  return out;
}

function assertSlicedAs(state: OptimizerState, mask: NeuronMask, slots: number): void {
  const idx = denseIndices(mask);
  for (const name of layerNames) {
    const { rows, cols } = idx[name];
    for (let k = 0; k < slots; k++) {
      const W = state.layers[name].W[k];
      const b = state.layers[name].b[k];
      assert.equal(W.length, rows.length * cols.length, `${name} slot ${k}: W size`);
      assert.equal(b.length, rows.length, `${name} slot ${k}: b size`);
      rows.forEach((r, i) => {
        assert.equal(b[i], code(k, name, r, 99), `${name} slot ${k}: b[${i}] is dense neuron ${r}'s`);
        cols.forEach((c, j) => assert.equal(W[i * cols.length + j], code(k, name, r, c), `${name} slot ${k}: W[${i},${j}] is dense W[${r},${c}]'s`));
      });
    }
  }
}

for (const kind of ['adagrad', 'adam'] as const) {
  const slots = kind === 'adagrad' ? 1 : 2;

  test(`${kind}: slicing keeps row j of W, b[j] and column j of the next W together, embeddings and step untouched`, () => {
    const full = codedState(kind, params);
    const sliced = sliceOptimizerState(full, params, maskA);
    assertSlicedAs(sliced, maskA, slots);
    assert.equal(sliced.kind, kind);
    assert.equal(sliced.step, 42);
    assert.deepEqual(sliced.embeddings, full.embeddings);
    assert.notEqual(sliced.embeddings[0], full.embeddings[0], 'embedding state is copied, not shared');
  });

  test(`${kind}: slicing an already pruned model's state (current mask) equals slicing the dense state at once`, () => {
    const full = codedState(kind, params);
    const onceA = sliceOptimizerState(full, params, maskA);
    const thenB = sliceOptimizerState(onceA, applyNeuronMask(params, maskA), maskB, maskA);
    assertSlicedAs(thenB, maskB, slots);
    assert.deepEqual(thenB.layers, sliceOptimizerState(full, params, maskB).layers);
  });

  test(`${kind}: expanding puts the kept entries back at their dense positions, zeros elsewhere`, () => {
    const full = codedState(kind, params);
    const sliced = sliceOptimizerState(full, params, maskA);
    const expanded = expandOptimizerState(sliced, applyNeuronMask(params, maskA), maskA, shape);
    const idx = denseIndices(maskA);
    for (const l of [...params.bottom, ...params.top]) {
      const keptRows = new Set(idx[l.name].rows);
      const keptCols = new Set(idx[l.name].cols);
      for (let k = 0; k < slots; k++)
        for (let r = 0; r < l.outDim; r++) {
          assert.equal(expanded.layers[l.name].b[k][r], keptRows.has(r) ? code(k, l.name, r, 99) : 0);
          for (let c = 0; c < l.inDim; c++)
            assert.equal(expanded.layers[l.name].W[k][r * l.inDim + c], keptRows.has(r) && keptCols.has(c) ? code(k, l.name, r, c) : 0, `${l.name}[${r},${c}]`);
        }
    }
  });

  test(`${kind}: the engine takes the sliced state for the pruned model whole (no layer silently restarts)`, () => {
    // Accumulators must be valid optimizer state (Adagrad's are ≥ 0): the coded values are.
    const sliced = sliceOptimizerState(codedState(kind, params), params, maskA);
    const pruned = applyNeuronMask(params, maskA);
    const trainer = createTrainer({ params: pruned, optimizer: { kind, lr: 0.01 }, optimizerState: sliced, threads: 1 });
    try {
      const got = trainer.getOptimizerState();
      assert.equal(got.step, 42);
      for (const name of layerNames) assert.deepEqual(got.layers[name], sliced.layers[name], name);
      assert.deepEqual(got.embeddings, sliced.embeddings);
    } finally {
      trainer.dispose();
    }
  });
}

test('adagrad: neurons put back (regrowth) start from the initial accumulator given as fill, kept entries keep their own', () => {
  // An accumulator of 0 would make a regrown weight's first update ±lr whatever its gradient (sparse_regrow).
  const sliced = sliceOptimizerState(codedState('adagrad', params), params, maskB);
  const expanded = expandOptimizerState(sliced, applyNeuronMask(params, maskB), maskB, shape, [0.1]);
  const idx = denseIndices(maskB);
  const init = Math.fround(0.1);
  for (const l of [...params.bottom, ...params.top]) {
    const keptRows = new Set(idx[l.name].rows);
    const keptCols = new Set(idx[l.name].cols);
    for (let r = 0; r < l.outDim; r++) {
      assert.equal(expanded.layers[l.name].b[0][r], keptRows.has(r) ? code(0, l.name, r, 99) : init, `${l.name}.b[${r}]`);
      for (let c = 0; c < l.inDim; c++)
        assert.equal(expanded.layers[l.name].W[0][r * l.inDim + c], keptRows.has(r) && keptCols.has(c) ? code(0, l.name, r, c) : init, `${l.name}[${r},${c}]`);
    }
  }
  // Sliced to a wider mask (maskA ⊃ maskB), the neurons that come back carry the initial accumulator into the model.
  const regrown = sliceOptimizerState(expanded, params, maskA);
  const back = 'bottom.0';
  const pos = [...maskA[back]].indexOf(0); // neuron 0 of bottom.0 is in maskA, not in maskB
  assert.ok(pos >= 0 && ![...maskB[back]].includes(0));
  const inDim = params.bottom[0].inDim;
  assert.deepEqual([...regrown.layers[back].W[0].subarray(pos * inDim, (pos + 1) * inDim)], new Array(inDim).fill(init));
  assert.equal(regrown.layers[back].b[0][pos], init);
});
