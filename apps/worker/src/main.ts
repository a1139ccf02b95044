#!/usr/bin/env tsx
// Starts a worker: npm start -w @driftprune/worker (env: packages/config/src/env.ts — WORKER_CONCURRENCY,
// WORKER_LABELS, DRIFTPRUNE_DEVICE, WORKER_DIR, WORKER_RECONCILE_MS, WORKER_ORPHAN_GRACE_MS …).
// SIGINT/SIGTERM: stop now, runs in progress go back to the queue. SIGUSR2: drain — take no new runs, let the runs
// in progress finish (or hand them back after WORKER_DRAIN_GRACE_MS), then stop.
import { loadEnv } from '@driftprune/config';
import { startWorker } from './worker.js';

const env = loadEnv();
const worker = await startWorker({ env });
let stopping = false;
async function stop(why: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${why}: stopping (runs in progress go back to the queue)`);
  await worker.close();
  process.exit(0);
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stop(sig));
process.on('SIGUSR2', () => {
  console.log('[worker] SIGUSR2: draining');
  worker
    .drain(env.WORKER_DRAIN_GRACE_MS)
    .then(() => stop('drained'))
    .catch((e) => console.error(`[worker] drain failed: ${(e as Error).message}`));
});
