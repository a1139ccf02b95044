// Worker side of the deferred embedding-row updates: applies the optimizer's sparse update to rows the next batch
// does not touch, while the main thread gathers that batch and runs onnxruntime. Tables live in shared memory.
import { parentPort } from 'node:worker_threads';
import { OPTIMIZERS, type OptimizerKind } from '../optim/index.js';
import type { OptimizerConfig } from '@driftprune/config';

interface Setup {
  type: 'setup';
  kind: OptimizerKind;
  table: Float32Array;
  state: Float32Array[];
  D: number;
  /** [0]: sequence number of the last finished job; [1]: 1 after a failure. */
  done: Int32Array;
}
interface Job {
  type: 'job';
  seq: number;
  rows: Int32Array;
  grads: Float32Array;
  count: number;
  step: number;
  cfg: OptimizerConfig;
}

let s: Setup | undefined;
parentPort!.on('message', (m: Setup | Job) => {
  if (m.type === 'setup') {
    s = m;
    return;
  }
  const done = s!.done;
  try {
    OPTIMIZERS[s!.kind].sparseUpdate(m.cfg, m.step, s!.table, s!.state, s!.D, m.rows, m.grads, m.count);
  } catch (e) {
    Atomics.store(done, 1, 1);
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
  Atomics.store(done, 0, m.seq);
  Atomics.notify(done, 0);
});
