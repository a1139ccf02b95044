// Serving speed-up of structured pruning at the reference model size (docs/engine-notes.md: bottom 13-512-256-64-16,
// top 367-512-256-1, dot interaction), separate from the paradigm comparison whose models are too small to time
// well. A dense model trains briefly on the synthetic stream (to have Taylor scores), is pruned at each budget with
// the greedy allocation (the config's `learned`), and each exported ONNX model is timed in onnxruntime-node. Dense and pruned models are
// timed in alternation (A B A B …, `--rounds` rounds) because this machine is shared and noisy.
//
//   npx tsx packages/experiment/bench/serving-speedup.ts [--budgets 0.5,0.75,0.9] [--rounds 3] [--iterations 100] [--threads 1]
import { experimentConfig, parseConfig } from '@driftprune/config';
import { openStream, type Batch } from '@driftprune/data';
import { createTrainer, resolveShape } from '@driftprune/engine';
import { prune, shapeFlops } from '@driftprune/pruning';
import { evaluateServing } from '../src/serving/serving-eval.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const budgets = opt('budgets', '0.5,0.75,0.9').split(',').map(Number);
const rounds = Number(opt('rounds', '3'));
const iterations = Number(opt('iterations', '100'));
const threads = Number(opt('threads', '1'));
const batchSizes = opt('batch-sizes', '1,64,512').split(',').map(Number);

const config = parseConfig(experimentConfig, {
  seed: 1,
  data: { source: 'synthetic', window: 'rows:8192', batchSize: 512, hashSize: 10_000, synthetic: { windows: 2, rowsPerWindow: 8192 } },
  model: { embeddingDim: 16, bottomMlp: [512, 256, 64], topMlp: [512, 256] },
  paradigm: { kind: 'dense' },
});
const stream = await openStream(config.data, { seed: config.seed });
const shape = resolveShape(config.model, { numDense: stream.schema.denseNames.length, tableSizes: stream.schema.tableSizes });
const dense = createTrainer({ shape, seed: 1, optimizer: config.optimizer, threads: 1, taylor: { decay: 0.99 } });
let first: Batch | null = null;
for await (const w of stream.windows()) {
  for await (const b of w.batches({ batchSize: 512 })) {
    if (!first) first = { size: b.size, dense: b.dense.slice(), cat: b.cat.slice(), labels: b.labels.slice() };
    dense.trainStep(b);
  }
  break;
}
if (!first) throw new Error('the stream produced no batch');
const schema = { numDense: shape.numDense, numFields: shape.tableSizes.length };
const models = [{ name: 'dense', onnx: dense.exportServingModel(), preds: dense.predict(first), flops: 1, widths: `${shape.bottom.join('-')} / ${shape.top.join('-')}` }];
for (const budget of budgets) {
  const r = prune(dense.getParams(), { budget, granularity: 'structured', criterion: 'taylor', allocation: 'greedy', minWidth: 4 }, { taylor: dense.getTaylorScores() });
  const t = createTrainer({ params: r.params, threads: 1 });
  models.push({ name: `pruned ${Math.round(budget * 100)} %`, onnx: t.exportServingModel(), preds: t.predict(first), flops: r.flopsRatio, widths: `${r.params.shape.bottom.join('-')} / ${r.params.shape.top.join('-')}` });
  t.dispose();
}
dense.dispose();
console.error(`dense forward FLOPs/sample ${shapeFlops(shape)}; timing ${models.length} models × ${batchSizes.join('/')} × ${rounds} rounds × ${iterations} iterations, ${threads} thread(s)`);
const samples = new Map<string, { p50: number[]; p99: number[]; tput: number[]; parity: number }>();
for (let round = 0; round < rounds; round++)
  for (const m of models) {
    const evals = await evaluateServing(round, [{ role: 'serving', onnx: m.onnx, enginePredictions: m.preds }], first, schema, { batchSizes, iterations, threads });
    for (const e of evals) {
      const k = `${m.name}|${e.batchSize}`;
      const s = samples.get(k) ?? { p50: [], p99: [], tput: [], parity: 0 };
      s.p50.push(e.p50Ms);
      s.p99.push(e.p99Ms);
      s.tput.push(e.samplesPerSec);
      s.parity = Math.max(s.parity, e.parityMaxAbsDiff);
      samples.set(k, s);
    }
    console.error(`round ${round + 1}/${rounds}: ${m.name} done`);
  }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lines = ['| model | widths (bottom / top) | FLOPs / dense | batch | p50 ms | p99 ms | samples/s (mean) | speed-up (dense p50 / p50) | parity |', '|---|---|---|---|---|---|---|---|---|'];
for (const m of models)
  for (const b of batchSizes) {
    const s = samples.get(`${m.name}|${b}`)!;
    const d = samples.get(`dense|${b}`)!;
    lines.push(`| ${m.name} | ${m.widths} | ${m.flops.toFixed(3)} | ${b} | ${median(s.p50).toFixed(3)} | ${median(s.p99).toFixed(3)} | ${Math.round(median(s.tput))} | ${(median(d.p50) / median(s.p50)).toFixed(2)} | ${s.parity.toExponential(1)} |`);
  }
console.log(lines.join('\n'));
