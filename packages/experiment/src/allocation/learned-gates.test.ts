// The learned allocation on the real engine: gates trained on a window of the synthetic stream under the budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStream, type Window } from '@driftprune/data';
import { createGradientProbe, createTrainer, resolveShape, type ModelParams } from '@driftprune/engine';
import { prune } from '@driftprune/pruning';
import { tinyConfig } from '../test-support.js';
import { learnGates } from './learned-gates.js';

// A stream with a learnable signal (signalScale 3), so that neurons matter unequally for a reason.
const base = tinyConfig({ kind: 'prune_once' });
const config = tinyConfig({ kind: 'prune_once' }, {
  model: { embeddingDim: 4, bottomMlp: [64], topMlp: [32, 16] },
  data: { ...base.data, window: 'rows:2000', synthetic: { ...base.data.synthetic, rowsPerWindow: 2000, signalScale: 4 } },
});

/** A dense model trained one pass over windows 0–3, window 4 to learn gates on, window 5 never seen. */
async function trained(): Promise<{ params: ModelParams; taylor: Record<string, Float32Array>; win: Window; next: Window }> {
  const stream = await openStream(config.data, { seed: config.seed });
  const shape = resolveShape(config.model, { numDense: stream.schema.denseNames.length, tableSizes: stream.schema.tableSizes });
  const m = createTrainer({ shape, seed: 3, optimizer: config.optimizer, threads: 1, taylor: { decay: 0.9 } });
  try {
    const windows: Window[] = [];
    for await (const w of stream.windows()) {
      windows.push(w);
      if (windows.length === 6) break;
    }
    for (const w of windows.slice(0, 4)) for await (const b of w.batches({ batchSize: 100 })) m.trainStep(b);
    return { params: m.getParams(), taylor: m.getTaylorScores(), win: windows[4], next: windows[5] };
  } finally {
    m.dispose();
  }
}

const opts = (budget: number) => ({ budget, unit: 'flops' as const, minWidth: 2, steps: 48, lr: 0.1, dualLr: 1, threads: 1, seed: 5 });

test('layers that differ in sensitivity get different learned sparsities: width moves from a layer of dead neurons to a live one', async () => {
  const { params, win } = await trained();
  // 48 of bottom.0's 64 neurons made dead: their out-weights are zero, so they change nothing.
  const dead = new Set(Array.from({ length: 48 }, (_, i) => i + 16));
  const next = params.bottom[1];
  for (let k = 0; k < next.outDim; k++) for (const j of dead) next.W[k * next.inDim + j] = 0;
  const budget = 0.75;
  const g = await learnGates(params, () => win.batches({ batchSize: 100 }), opts(budget));
  assert.ok(g.rows > 0 && Math.abs(g.expectedCostRatio - (1 - budget)) < 0.05, `expected cost ${g.expectedCostRatio}`);
  const learned = prune(params, { budget, granularity: 'structured', criterion: 'magnitude', allocation: 'learned', minWidth: 2 }, { learned: g });
  const uniform = prune(params, { budget, granularity: 'structured', criterion: 'magnitude', allocation: 'uniform', minWidth: 2 });
  assert.ok(Math.abs(learned.achievedBudget - budget) <= 0.01, `achieved ${learned.achievedBudget}`);
  const sparsity = (w: Record<string, number>) => [1 - w['bottom.0'] / 64, 1 - w['top.0'] / 32, 1 - w['top.1'] / 16];
  const spread = (w: Record<string, number>) => Math.max(...sparsity(w)) - Math.min(...sparsity(w));
  if (learned.mask.granularity !== 'structured') throw new Error('structured');
  const kept = [...learned.mask.neurons['bottom.0']];
  const keptDead = kept.filter((j) => dead.has(j)).length;
  const detail = JSON.stringify({ learned: learned.widths, uniform: uniform.widths, keptDead });
  assert.ok(spread(uniform.widths) < 0.05 && spread(learned.widths) > 0.2, detail);
  assert.ok(learned.widths['bottom.0'] < uniform.widths['bottom.0'] && learned.widths['top.0'] > uniform.widths['top.0'], detail);
  // Within the layer the live neurons are preferred (chance would keep 3 dead for every live one).
  assert.ok(keptDead / kept.length < 0.5, detail);
});

test('a learned allocation loses less on the next window than uniform and greedy at the same budget', async () => {
  const { params, taylor, win, next } = await trained();
  const loss = async (p: ModelParams) => {
    const probe = createGradientProbe(p, { threads: 1 });
    try {
      let sum = 0;
      for await (const b of next.batches({ batchSize: 100 })) sum += probe.gradients(b).loss * b.size;
      return sum / next.rows;
    } finally {
      probe.dispose();
    }
  };
  for (const budget of [0.75, 0.9]) {
    const g = await learnGates(params, () => win.batches({ batchSize: 100 }), opts(budget));
    const o = { budget, granularity: 'structured' as const, criterion: 'taylor' as const, minWidth: 2 };
    const learned = await loss(prune(params, { ...o, allocation: 'learned' }, { learned: g, taylor }).params);
    const uniform = await loss(prune(params, { ...o, allocation: 'uniform' }, { taylor }).params);
    const greedy = await loss(prune(params, { ...o, allocation: 'greedy' }, { taylor }).params);
    assert.ok(learned < Math.min(uniform, greedy) - 0.01, `budget ${budget}: log loss learned ${learned}, uniform ${uniform}, greedy ${greedy}`);
  }
});

test('learned gates follow the budget: a larger budget learns narrower layers', async () => {
  const { params, win } = await trained();
  const half = await learnGates(params, () => win.batches({ batchSize: 100 }), opts(0.5));
  const most = await learnGates(params, () => win.batches({ batchSize: 100 }), opts(0.8));
  const total = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + b, 0);
  assert.ok(total(most.widths) < total(half.widths), JSON.stringify({ half: half.widths, most: most.widths }));
  assert.ok(most.expectedCostRatio < half.expectedCostRatio);
});
