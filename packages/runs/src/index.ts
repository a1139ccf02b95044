// @driftprune/runs: a run's life. The job/event contract shared by the API and the workers, the producer side of the
// run queues.
export * from './contract.js';
export { RunQueues, type QueuedRun } from './queues.js';
export { reconcileRuns, type ReconcileOptions, type ReconcileResult } from './reconcile.js';
