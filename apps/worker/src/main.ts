#!/usr/bin/env tsx
// Starts a worker: npm start -w @driftprune/worker (env: WORKER_CONCURRENCY, DRIFTPRUNE_DEVICE, WORKER_DIR …).
import { startWorker } from './worker.js';

// WORKER_RECONCILE_MS: how often to re-enqueue runs whose queue job vanished (default 30000; 0 = only at start);
// WORKER_RECONCILE_GRACE_MS: how old a queued run must be before it counts as lost (default 10000);
// WORKER_ORPHAN_GRACE_MS: store folders of deleted runs untouched this long are removed at start (default 600000; -1 = off)
const msFromEnv = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
const worker = await startWorker({
  reconcileEveryMs: msFromEnv('WORKER_RECONCILE_MS'),
  reconcileGraceMs: msFromEnv('WORKER_RECONCILE_GRACE_MS'),
  orphanGraceMs: msFromEnv('WORKER_ORPHAN_GRACE_MS'),
});
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${sig}: stopping (runs in progress go back to the queue)`);
    await worker.close();
    process.exit(0);
  });
