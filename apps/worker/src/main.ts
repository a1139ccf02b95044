#!/usr/bin/env tsx
// Starts a worker: npm start -w @driftprune/worker (env: packages/config/src/env.ts — WORKER_CONCURRENCY,
// DRIFTPRUNE_DEVICE, WORKER_DIR, WORKER_RECONCILE_MS, WORKER_ORPHAN_GRACE_MS …).
import { startWorker } from './worker.js';

const worker = await startWorker();
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${sig}: stopping (runs in progress go back to the queue)`);
    await worker.close();
    process.exit(0);
  });
