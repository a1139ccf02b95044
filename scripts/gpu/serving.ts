// The serving evaluation (packages/experiment's evaluateServing: the exported ONNX model in onnxruntime-node) of a
// dense model and its structured prunings, on onnxruntime's CPU and WebGPU execution providers side by side.
// A dense model trains one window of the synthetic stream (for Taylor scores), is pruned at each budget with the
// config's default pruning settings, and every (model, provider) pair is timed at each batch size, in rounds that
// alternate models and providers (A B A B), so that clocks and background load hit all alike.
//
//   npx tsx scripts/gpu/tools.ts serving --out DIR [--providers cpu,webgpu] [--batch-sizes 1,64,512,4096]
//       [--budgets 0.75,0.9] [--rounds 3] [--iterations 50] [--threads 0] [--model mid|reference] [--train-device cpu|webgpu]
// Writes DIR/serving.json. --model mid: issue 14's model (26 × 100,000 × 16, bottom 256-128-16, top 512-256);
// reference: the engine benchmark's (bottom 512-256-64-16, top 512-256).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { experimentConfig, parseConfig } from '@driftprune/config';
import { openStream, type Batch } from '@driftprune/data';
import { createTrainer, resolveShape } from '@driftprune/engine';
import { evaluateServing, pruneOptionsOf, type ServingEval } from '@driftprune/experiment';
import { prune, shapeFlops } from '@driftprune/pruning';

function flag(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
}
const list = (s: string) => s.split(',').filter(Boolean);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const MODELS = {
  mid: { embeddingDim: 16, bottomMlp: [256, 128], topMlp: [512, 256] },
  reference: { embeddingDim: 16, bottomMlp: [512, 256, 64], topMlp: [512, 256] },
} as const;

export async function servingMain(argv: string[]): Promise<number> {
  const out = resolve(flag(argv, 'out', process.env.OUT ?? 'serving-out'));
  const providers = list(flag(argv, 'providers', 'cpu,webgpu')) as ('cpu' | 'webgpu')[];
  for (const p of providers) if (p !== 'cpu' && p !== 'webgpu') throw new Error(`--providers: cpu or webgpu, got '${p}'`);
  const batchSizes = list(flag(argv, 'batch-sizes', '1,64,512,4096')).map(Number);
  const budgets = list(flag(argv, 'budgets', '0.75,0.9')).map(Number);
  const rounds = Number(flag(argv, 'rounds', '3'));
  const iterations = Number(flag(argv, 'iterations', '50'));
  const threads = Number(flag(argv, 'threads', '0'));
  const modelName = flag(argv, 'model', 'mid') as keyof typeof MODELS;
  if (!MODELS[modelName]) throw new Error(`--model: ${Object.keys(MODELS).join(' or ')}`);
  const trainDevice = flag(argv, 'train-device', 'cpu') as 'cpu' | 'webgpu';
  const hashSize = Number(flag(argv, 'hash-size', '100000'));
  const rows = Number(flag(argv, 'rows', '65536'));
  mkdirSync(out, { recursive: true });
  const log = (l: string) => console.error(`[serving ${new Date().toISOString().slice(11, 19)}] ${l}`);

  const config = parseConfig(experimentConfig, {
    seed: 1,
    data: { source: 'synthetic', window: `rows:${rows}`, batchSize: 4096, hashSize, synthetic: { windows: 1, rowsPerWindow: rows } },
    model: MODELS[modelName],
    engine: { device: trainDevice },
    paradigm: { kind: 'dense' },
  });
  const stream = await openStream(config.data, { seed: config.seed });
  const shape = resolveShape(config.model, { numDense: stream.schema.denseNames.length, tableSizes: stream.schema.tableSizes });
  const dense = createTrainer({ shape, seed: 1, optimizer: config.optimizer, device: trainDevice, threads: threads, taylor: { decay: 0.99 } });
  let first: Batch | null = null;
  const t0 = performance.now();
  for await (const w of stream.windows()) {
    for await (const b of w.batches({ batchSize: config.data.batchSize })) {
      if (!first) first = { size: b.size, dense: b.dense.slice(), cat: b.cat.slice(), labels: b.labels.slice() };
      dense.trainStep(b);
    }
    break;
  }
  if (!first) throw new Error('the stream produced no batch');
  log(`trained ${rows} rows on ${trainDevice} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const models = [{ name: 'dense', onnx: dense.exportServingModel(), preds: dense.predict(first), flopsRatio: 1, widths: `${shape.bottom.join('-')} / ${shape.top.join('-')}` }];
  for (const budget of budgets) {
    const opts = pruneOptionsOf(parseConfig(experimentConfig, { ...config, paradigm: { kind: 'prune_once' }, pruning: { budget, granularity: 'structured' } }))!;
    const r = prune(dense.getParams(), opts, { taylor: dense.getTaylorScores() });
    const t = createTrainer({ params: r.params, threads: 1 });
    models.push({ name: `pruned ${Math.round(budget * 100)} %`, onnx: t.exportServingModel(), preds: t.predict(first), flopsRatio: r.flopsRatio, widths: `${r.params.shape.bottom.join('-')} / ${r.params.shape.top.join('-')}` });
    t.dispose();
  }
  dense.dispose();
  const schema = { numDense: shape.numDense, numFields: shape.tableSizes.length };
  log(`dense forward FLOPs/sample ${shapeFlops(shape)}; ${models.length} models × ${providers.join('/')} × batch ${batchSizes.join('/')} × ${rounds} rounds × ${iterations} iterations; CPU threads ${threads || `onnxruntime default (${cpus().length} cores)`}`);
  const samples = new Map<string, ServingEval[]>();
  const results: Record<string, unknown> = { date: new Date().toISOString(), argv, model: modelName, shape: { bottom: shape.bottom, top: shape.top, tables: shape.tableSizes.length, rows: shape.tableSizes[0], D: shape.embeddingDim }, cores: cpus().length, threads };
  const save = () => {
    const table = [...samples.entries()].map(([k, evals]) => {
      const [model, provider, batch] = k.split('|');
      return {
        model,
        provider,
        batchSize: Number(batch),
        p50Ms: median(evals.map((e) => e.p50Ms)),
        p99Ms: median(evals.map((e) => e.p99Ms)),
        samplesPerSec: median(evals.map((e) => e.samplesPerSec)),
        parityMaxAbsDiff: Math.max(...evals.map((e) => e.parityMaxAbsDiff)),
        rounds: evals.map((e) => e.p50Ms),
      };
    });
    writeFileSync(join(out, 'serving.json'), JSON.stringify({ ...results, models: models.map((m) => ({ name: m.name, flopsRatio: m.flopsRatio, widths: m.widths })), table }, null, 2));
    return table;
  };
  for (let round = 0; round < rounds; round++)
    for (const m of models)
      for (const provider of providers) {
        const evals = await evaluateServing(round, [{ role: 'serving', onnx: m.onnx, enginePredictions: m.preds }], first, schema, { batchSizes, iterations, threads, executionProvider: provider });
        for (const e of evals) {
          const k = `${m.name}|${provider}|${e.batchSize}`;
          samples.set(k, [...(samples.get(k) ?? []), e]);
        }
        log(`round ${round + 1}/${rounds} ${m.name} on ${provider}: p50 ${evals.map((e) => `b${e.batchSize} ${e.p50Ms.toFixed(3)} ms`).join(', ')}; parity ${Math.max(...evals.map((e) => e.parityMaxAbsDiff)).toExponential(1)}`);
        save();
      }
  for (const r of save()) log(`${r.model.padEnd(13)} ${r.provider.padEnd(6)} b=${String(r.batchSize).padEnd(5)} p50 ${r.p50Ms.toFixed(3)} ms  p99 ${r.p99Ms.toFixed(3)} ms  ${Math.round(r.samplesPerSec)} samples/s`);
  return 0;
}
