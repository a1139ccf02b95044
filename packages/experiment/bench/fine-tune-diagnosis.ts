// Why does fine-tuning a refreshed sparse model on the latest window hurt? Trains a dense model on the first
// windows of a stream, prunes it after window t, then compares on window t+1 (the next window, never trained on):
// the pruned model as is, after N fine-tune steps on window t with the optimizer state carried from the dense
// model, after N steps with a fresh optimizer state, and the dense model itself after N more steps on window t.
//
//   npx tsx packages/experiment/bench/fine-tune-diagnosis.ts [--dataset synthetic|movielens] [--seed 1]
//       [--budget 0.5] [--at 2] [--steps 0,4,16,64] [--movielens ../shared/data/movielens-100k]
import { join, resolve } from 'node:path';
import { experimentConfig, parseConfig } from '@driftprune/config';
import { openStream, type Batch, type Window } from '@driftprune/data';
import { createTrainer, resolveShape, type OptimizerState, type Trainer } from '@driftprune/engine';
import { prune } from '@driftprune/pruning';
import { PredictionLog, deltaNEPct } from '../src/metrics/metrics.js';
import { sliceOptimizerState } from '../src/models/optimizer-state.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const repoRoot = resolve(import.meta.dirname, '../../..');
const dataset = opt('dataset', 'synthetic');
const seed = Number(opt('seed', '1'));
const budget = Number(opt('budget', '0.5'));
const at = Number(opt('at', dataset === 'synthetic' ? '2' : '4'));
const stepCounts = opt('steps', '0,4,16,64').split(',').map(Number);
const movielens = resolve(opt('movielens', join(repoRoot, '../shared/data/movielens-100k')));

const config = parseConfig(experimentConfig, {
  name: 'fine-tune-diagnosis',
  seed,
  optimizer: { kind: 'adagrad', lr: 0.05 },
  engine: { threads: 1 },
  checkpoint: { everyWindows: 0 },
  paradigm: { kind: 'd2s', warmupWindows: at, r: 1 },
  pruning: { granularity: 'structured', budget, criterion: 'taylor', allocation: 'greedy', minWidth: 4 },
  ...(dataset === 'synthetic'
    ? {
        data: {
          source: 'synthetic',
          window: 'rows:4000',
          batchSize: 256,
          hashSize: 1000,
          synthetic: { windows: at + 2, rowsPerWindow: 4000, numDense: 13, numFields: 26, vocabPerField: 500, shiftEvery: 4, shiftScale: 0.5, driftStd: 0.05 },
        },
        model: { embeddingDim: 8, bottomMlp: [64, 32], topMlp: [128, 64] },
      }
    : {
        data: { source: 'movielens', path: movielens, window: 'week', batchSize: 128, hashSize: 2000, positiveRating: 4 },
        model: { embeddingDim: 8, bottomMlp: [32, 16], topMlp: [64, 32] },
      }),
});

const stream = await openStream(config.data, { seed });
const shape = resolveShape(config.model, { numDense: stream.schema.denseNames.length, tableSizes: stream.schema.tableSizes });
const base = { optimizer: config.optimizer, threads: 1, taylor: { decay: config.pruning!.taylorDecay } };
const batchesOf = (w: Window, shuffle: boolean) => w.batches({ batchSize: config.data.batchSize, ...(shuffle && config.data.shuffleWithinWindow ? { shuffleSeed: seed * 100_003 + w.index } : {}) });

async function evaluate(model: Trainer, w: Window): Promise<{ ne: number; logLoss: number }> {
  const log = new PredictionLog(w.rows || 1024);
  for await (const b of batchesOf(w, false)) log.add(model.predict(b), b.labels, b.size);
  const s = log.summary();
  return { ne: s.ne ?? NaN, logLoss: s.logLoss };
}

type Mode = 'labels' | 'distil' | 'mlp-only';

/** N steps on window `w`: on its labels, on the dense model's predictions (distil), or on labels with the embedding rows put back after every step (mlp-only). */
async function fineTune(model: Trainer, w: Window, steps: number, mode: Mode, teacher: Trainer): Promise<void> {
  let done = 0;
  const frozen = mode === 'mlp-only' ? model.getParams().embeddings : undefined;
  while (done < steps) {
    for await (const b of batchesOf(w, true) as AsyncIterable<Batch>) {
      if (done >= steps) break;
      model.trainStep(mode === 'distil' ? { ...b, labels: teacher.predict(b) } : b);
      if (frozen) model.setParams({ ...model.getParams(), embeddings: frozen });
      done++;
    }
  }
}

/** Mean |Δ| of the embedding table after fine-tuning, relative to before: how far the rows moved. */
function embeddingShift(before: Float32Array, after: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < before.length; i++) {
    d += Math.abs(after[i] - before[i]);
    n += Math.abs(before[i]);
  }
  return d / n;
}

const windows: Window[] = [];
for await (const w of stream.windows()) {
  windows.push(w);
  if (windows.length > at + 1) break;
}
const dense = createTrainer({ ...base, shape, seed });
for (let t = 0; t <= at; t++) for await (const b of batchesOf(windows[t], true)) dense.trainStep(b);
const last = windows[at];
const next = windows[at + 1];
const d = dense.getParams();
const res = prune(d, { budget, budgetUnit: 'flops', granularity: 'structured', criterion: 'taylor', allocation: 'greedy', minWidth: 4 }, { taylor: dense.getTaylorScores() });
if (res.mask.granularity !== 'structured') throw new Error('expected a structured mask');
const carried: OptimizerState = sliceOptimizerState(dense.getOptimizerState(), d, res.mask.neurons);
const denseNext = await evaluate(dense, next);
console.log(`${dataset} seed ${seed}, budget ${budget}, pruned after window ${at}; NE on window ${at + 1} (never trained on) and log loss on window ${at} (fine-tuned on)`);
console.log(`dense: NE(next) ${denseNext.ne.toFixed(4)}, logloss(last) ${(await evaluate(dense, last)).logLoss.toFixed(4)}`);
console.log('| model | fine-tune steps | NE next | ΔNE % vs dense | log loss on the fine-tune window | embedding shift |');
console.log('|---|---|---|---|---|---|');
for (const steps of stepCounts) {
  const variants: [string, Mode, () => Trainer][] = [
    ['sparse, state carried', 'labels', () => createTrainer({ ...base, params: res.params, optimizerState: carried })],
    ['sparse, fresh state', 'labels', () => createTrainer({ ...base, params: res.params })],
    ['dense, more steps', 'labels', () => createTrainer({ ...base, params: dense.getParams(), optimizerState: dense.getOptimizerState() })],
    ['sparse, carried, MLP only', 'mlp-only', () => createTrainer({ ...base, params: res.params, optimizerState: carried })],
    ['sparse, carried, distil', 'distil', () => createTrainer({ ...base, params: res.params, optimizerState: carried })],
    ['sparse, fresh, distil', 'distil', () => createTrainer({ ...base, params: res.params })],
  ];
  for (const [label, mode, make] of variants) {
    if (steps === 0 && label !== 'sparse, state carried' && label !== 'dense, more steps') continue;
    const m = make();
    const before = m.getParams().embeddings;
    await fineTune(m, last, steps, mode, dense);
    const e = await evaluate(m, next);
    const l = await evaluate(m, last);
    console.log(`| ${label} | ${steps} | ${e.ne.toFixed(4)} | ${deltaNEPct(e.ne, denseNext.ne).toFixed(2)} | ${l.logLoss.toFixed(4)} | ${embeddingShift(before, m.getParams().embeddings).toExponential(2)} |`);
    m.dispose();
  }
}
dense.dispose();
