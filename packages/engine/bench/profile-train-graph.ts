// Where a training step's time goes inside onnxruntime: runs the reference training graph with onnxruntime's
// profiler on and prints kernel time per op type.
//   npx tsx packages/engine/bench/profile-train-graph.ts [--batch 512] [--threads 1] [--steps 30]
import { f32, type Tensor } from '@driftprune/onnx';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IN, OUT, biasName, next, stateName, weightName } from '../src/graph/names.js';
import { buildTrainGraph, layerDims } from '../src/graph/train-graph.js';
import { initParams } from '../src/init.js';
import { OPTIMIZERS } from '../src/optim/index.js';
import { resolveShape } from '../src/shape.js';

const arg = (n: string, d: string) => {
  const i = process.argv.indexOf(`--${n}`);
  return Number(i >= 0 ? process.argv[i + 1] : d);
};
const B = arg('batch', '512');
const threads = arg('threads', '1');
const steps = arg('steps', '30');
// Table sizes do not change the graph (rows are gathered in JS), so small tables suffice here.
const shape = resolveShape({ embeddingDim: 16, bottomMlp: [512, 256, 64], topMlp: [512, 256], interaction: 'dot' }, { numDense: 13, tableSizes: Array(26).fill(10) });
const model = buildTrainGraph({ shape, optimizer: OPTIMIZERS.adagrad, masked: new Set(), taylor: false });

// The profiler options are not part of OrtSession's surface: use the native session directly.
const require = createRequire(import.meta.url);
const native = require('onnxruntime-node/dist/binding.js');
native.initOrt();
const session = new native.binding.InferenceSession();
const prefix = join(tmpdir(), `driftprune-ort-profile-${process.pid}`);
session.loadModel(model.buffer, model.byteOffset, model.byteLength, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  executionProviders: ['cpu'],
  enableProfiling: true,
  profileFilePrefix: prefix,
});
const p = initParams(shape, 1);
const F = 26;
const D = 16;
const feeds: Record<string, Tensor> = {
  [IN.dense]: f32(new Float32Array(B * 13).map((_, i) => Math.sin(i)), [B, 13]),
  [IN.emb]: f32(new Float32Array(B * F * D).map((_, i) => 0.01 * Math.cos(i)), [B, F, D]),
  [IN.labels]: f32(new Float32Array(B).map((_, i) => i % 2), [B]),
  [IN.invBatch]: f32(new Float32Array([1 / B]), []),
  'opt.lr': f32(new Float32Array([0.01]), []),
  'opt.eps': f32(new Float32Array([1e-10]), []),
};
const fetches: Record<string, Tensor | null> = { [OUT.loss]: null, [OUT.embGrad]: f32(new Float32Array(B * F * D), [B, F, D]) };
const layers = [...p.bottom, ...p.top];
layerDims(shape).forEach((l, i) => {
  for (const [name, data, dims] of [
    [weightName(l.name), layers[i].W, [l.outDim, l.inDim]],
    [biasName(l.name), layers[i].b, [l.outDim]],
  ] as const) {
    feeds[name] = f32(data, dims);
    feeds[stateName(name, 0)] = f32(new Float32Array(data.length), dims);
    fetches[next(name)] = f32(new Float32Array(data.length), dims);
    fetches[next(stateName(name, 0))] = f32(new Float32Array(data.length), dims);
  }
});
for (let i = 0; i < 5; i++) session.run(feeds, fetches, {});
const t0 = performance.now();
for (let i = 0; i < steps; i++) session.run(feeds, fetches, {});
const wallMs = (performance.now() - t0) / steps;
const file: string = session.endProfiling();
const events = JSON.parse(readFileSync(file, 'utf8')) as { cat: string; name: string; dur: number; args: { op_name: string } }[];
rmSync(file);
const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
const byOp = new Map<string, number>();
let total = 0;
for (const e of kernels) {
  byOp.set(e.args.op_name, (byOp.get(e.args.op_name) ?? 0) + e.dur);
  total += e.dur;
}
const runs = steps + 5;
console.log(`batch ${B}, ${threads} thread(s): ${wallMs.toFixed(2)} ms/step wall (profiling on), ${(total / runs / 1000).toFixed(2)} ms/step in kernels`);
for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1])) console.log(`${op.padEnd(16)} ${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / runs / 1000).toFixed(2)} ms`);
session.dispose();
