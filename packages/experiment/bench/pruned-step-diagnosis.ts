// Why a pruned model trained 4.5× slower than dense in whole runs (issue 14, "Scale is blocked by the runner"):
// one training step of the mid-size model of bench:runner, timed in isolation, for
//   dense            the dense model
//   narrow           a dense model built directly at the pruned widths (fresh init)
//   pruned           the trainer a refresh makes: pruned params + the dense optimizer state sliced with them
//   pruned+getParams the same, with the per-step `getParams()` that the runner used to call to count FLOPs
// CPU time (user, system) and minor page faults per step come from process.resourceUsage(); variants alternate in
// rounds so that background load hits them alike.
//
//   npx tsx packages/experiment/bench/pruned-step-diagnosis.ts [--steps 20] [--rounds 3] [--threads 2] [--budget 0.75]
import { loadavg } from 'node:os';
import { createTrainer, resolveShape, type Trainer } from '@driftprune/engine';
import { makeBatch } from '@driftprune/engine/test-support';
import { paramsFlops, prune } from '@driftprune/pruning';
import { sliceOptimizerState } from '../src/models/optimizer-state.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const steps = Number(opt('steps', '20'));
const rounds = Number(opt('rounds', '3'));
const threads = Number(opt('threads', '2'));
const budget = Number(opt('budget', '0.75'));

const shape = resolveShape({ embeddingDim: 16, bottomMlp: [256, 128], topMlp: [512, 256], interaction: 'dot' }, { numDense: 13, tableSizes: Array(26).fill(100_000) });
const optimizer = { kind: 'adagrad' as const, lr: 0.02 };
const batches = Array.from({ length: 8 }, (_, i) => makeBatch(shape, 512, 100 + i));

console.error(`model 26 × 100,000 × 16, bottom ${shape.bottom.join('-')}, top ${shape.top.join('-')}, batch 512, ${threads} threads; load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
const dense = createTrainer({ shape, seed: 1, optimizer, threads, taylor: { decay: 0.99 } });
for (let i = 0; i < 16; i++) dense.trainStep(batches[i % batches.length]);
const d = dense.getParams();
const res = prune(d, { budget, granularity: 'structured', criterion: 'taylor', allocation: 'greedy', minWidth: 4 }, { taylor: dense.getTaylorScores() });
if (res.mask.granularity !== 'structured') throw new Error('structured');
const pruned = createTrainer({ params: res.params, optimizerState: sliceOptimizerState(dense.getOptimizerState(), d, res.mask.neurons), optimizer, threads, taylor: { decay: 0.99 } });
const narrow = createTrainer({ shape: res.params.shape, seed: 2, optimizer, threads, taylor: { decay: 0.99 } });
console.error(`pruned widths: bottom ${res.params.shape.bottom.join('-')}, top ${res.params.shape.top.join('-')} (${(res.flopsRatio * 100).toFixed(1)} % of dense FLOPs)`);

const variants: { name: string; trainer: Trainer; extra?: (t: Trainer) => void }[] = [
  { name: 'dense', trainer: dense },
  { name: 'narrow', trainer: narrow },
  { name: 'pruned', trainer: pruned },
  { name: 'pruned+getParams', trainer: pruned, extra: (t) => paramsFlops(t.getParams()) },
];
const results: Record<string, { wall: number[]; user: number[]; sys: number[]; faults: number[] }> = {};
let k = 0;
for (const v of variants) for (let i = 0; i < 3; i++) v.trainer.trainStep(batches[k++ % batches.length]); // warm-up
for (let r = 0; r < rounds; r++)
  for (const v of variants) {
    const u0 = process.resourceUsage();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      v.trainer.trainStep(batches[k++ % batches.length]);
      v.extra?.(v.trainer);
    }
    const wall = (performance.now() - t0) / steps;
    const u1 = process.resourceUsage();
    const x = (results[v.name] ??= { wall: [], user: [], sys: [], faults: [] });
    x.wall.push(wall);
    x.user.push((u1.userCPUTime - u0.userCPUTime) / 1000 / steps);
    x.sys.push((u1.systemCPUTime - u0.systemCPUTime) / 1000 / steps);
    x.faults.push((u1.minorPageFault - u0.minorPageFault) / steps);
  }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('| variant | wall ms/step | user ms/step | system ms/step | minor faults/step |');
console.log('|---|---|---|---|---|');
for (const v of variants) {
  const x = results[v.name];
  console.log(`| ${v.name} | ${median(x.wall).toFixed(1)} | ${median(x.user).toFixed(1)} | ${median(x.sys).toFixed(1)} | ${Math.round(median(x.faults))} |`);
}
console.error(`load after: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
for (const t of [dense, pruned, narrow]) t.dispose();
