// Run as a child process by trainer.test.ts: a trainer with the row-update worker that is never disposed must
// not keep the process alive.
import { createTrainer, resolveShape } from '../index.js';
import { makeBatch } from '../test-support.js';

const shape = resolveShape({ embeddingDim: 4, bottomMlp: [8], topMlp: [8], interaction: 'dot' }, { numDense: 2, tableSizes: [10, 20] });
const t = createTrainer({ shape, threads: 1, overlap: true });
const b = makeBatch(shape, 8, 1);
t.trainStep(b);
t.trainStep(b);
console.log('trained');
