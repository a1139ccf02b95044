// Deferred embedding-row updates on a worker thread. onnxruntime-node runs a step synchronously on the JS thread,
// so the only way to overlap the sparse update of step t with step t+1 is another thread: rows that batch t+1
// also uses are updated first, on the main thread (they are on the critical path); the rest go to the worker,
// which updates them while the main thread gathers batch t+1 and runs the graph. Updates of distinct rows
// commute and each row sees the same float32 operations, so results are bit-identical to the sequential order.
import type { OptimizerConfig } from '@driftprune/config';
import { Worker } from 'node:worker_threads';
import { EngineError } from '../errors.js';
import type { Optimizer } from '../optim/index.js';

const WAIT_MS = 60_000;

/** Float32Array over shared memory (so the worker sees the same table). */
export function sharedF32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(n * 4));
}

function startWorker(): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    // Running from TypeScript source through tsx: workers do not inherit its loader, so load it explicitly.
    const tsx = import.meta.resolve('tsx/esm/api');
    const file = new URL('./row-update-worker.ts', self).href;
    return new Worker(`import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(file)}, ${JSON.stringify(self)}))`, { eval: true });
  }
  return new Worker(new URL('./row-update-worker.js', self));
}

export class DeferredRowUpdates {
  private worker: Worker;
  private done = new Int32Array(new SharedArrayBuffer(8));
  private seq = 0;
  private busy = false;
  private error: string | undefined;
  private table!: Float32Array;
  private state!: Float32Array[];

  constructor(
    readonly opt: Optimizer,
    readonly D: number,
  ) {
    this.worker = startWorker();
    this.worker.on('message', (m: { error?: string }) => (this.error = m.error));
    this.worker.on('error', (e) => (this.error = e.message));
    // After the listeners: attaching a 'message' listener refs the worker's port again, and a trainer that is
    // never disposed must not keep the process alive.
    this.worker.unref();
  }

  /** Points the worker at (shared) tables. */
  setup(table: Float32Array, state: Float32Array[]): void {
    this.wait();
    this.table = table;
    this.state = state;
    this.worker.postMessage({ type: 'setup', kind: this.opt.kind, table, state, D: this.D, done: this.done });
  }

  /**
   * Applies the coalesced update (`rows`, `grads`, `count`) of optimizer step `step`: entries whose row is in
   * `urgent` now, on this thread (their `rows` entry is then set to −1); the others on the worker, in the
   * background, until `wait()`. `rows` and `grads` should live in shared memory (otherwise they are copied to
   * the worker) and must not be written before `wait()`.
   */
  apply(cfg: OptimizerConfig, step: number, rows: Int32Array, grads: Float32Array, count: number, urgent: (row: number) => boolean, scratch: { rows: Int32Array; grads: Float32Array }): void {
    this.wait();
    const D = this.D;
    let nNow = 0;
    for (let k = 0; k < count; k++) {
      const r = rows[k];
      if (!urgent(r)) continue;
      scratch.rows[nNow] = r;
      const src = k * D;
      const dst = nNow * D;
      for (let d = 0; d < D; d++) scratch.grads[dst + d] = grads[src + d];
      rows[k] = -1;
      nNow++;
    }
    this.opt.sparseUpdate(cfg, step, this.table, this.state, D, scratch.rows, scratch.grads, nNow);
    if (nNow === count) return;
    this.busy = true;
    this.worker.postMessage({ type: 'job', seq: ++this.seq, rows, grads, count, step, cfg });
  }

  /** Blocks until the worker has finished its job (if any). */
  wait(): void {
    if (!this.busy) return;
    const deadline = Date.now() + WAIT_MS;
    while (Atomics.load(this.done, 0) !== this.seq) {
      const left = deadline - Date.now();
      if (left <= 0) throw new EngineError('BAD_DEVICE', `the embedding-update worker did not answer within ${WAIT_MS / 1000} s${this.error ? `: ${this.error}` : ''}`);
      Atomics.wait(this.done, 0, Atomics.load(this.done, 0), Math.min(left, 1000));
    }
    this.busy = false;
    if (Atomics.load(this.done, 1) !== 0) throw new EngineError('BAD_DEVICE', `the embedding-update worker failed: ${this.error ?? 'unknown error'}`);
  }

  dispose(): void {
    try {
      this.wait();
    } finally {
      void this.worker.terminate();
    }
  }
}
