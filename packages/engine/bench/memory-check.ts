// Memory over a long run: RSS and heap every 1000 steps for 10,000 steps (default) of a mid-sized DLRM.
//   npx tsx packages/engine/bench/memory-check.ts [--steps 10000] [--batch 256] [--overlap true|false]
import { createTrainer, resolveShape } from '../src/index.js';
import { makeBatch } from '../src/test-support.js';

const arg = (n: string, d: string) => {
  const i = process.argv.indexOf(`--${n}`);
  return i >= 0 ? process.argv[i + 1] : d;
};
const steps = Number(arg('steps', '10000'));
const B = Number(arg('batch', '256'));
const overlap = arg('overlap', 'true') === 'true';
const shape = resolveShape({ embeddingDim: 16, bottomMlp: [64, 32], topMlp: [64, 32], interaction: 'dot' }, { numDense: 13, tableSizes: Array(26).fill(50_000) });
const t = createTrainer({ shape, seed: 1, threads: 1, overlap, taylor: { decay: 0.99 } });
const batches = Array.from({ length: 16 }, (_, i) => makeBatch(shape, B, i));
const mib = (n: number) => (n / 2 ** 20).toFixed(1);
let first = 0;
const t0 = performance.now();
for (let s = 1; s <= steps; s++) {
  t.trainStep(batches[s % batches.length]);
  if (s % 1000 === 0) {
    const m = process.memoryUsage();
    if (s === 1000) first = m.rss;
    console.log(`step ${s}: rss ${mib(m.rss)} MiB, heap ${mib(m.heapUsed)} MiB, external ${mib(m.external)} MiB, ${((s * B) / ((performance.now() - t0) / 1000)).toFixed(0)} samples/s`);
  }
}
const grew = process.memoryUsage().rss - first;
t.dispose();
console.log(`RSS change from step 1000 to ${steps}: ${mib(grew)} MiB`);
process.exit(grew < 32 * 2 ** 20 ? 0 : 1);
