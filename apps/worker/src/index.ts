export { selectBackend } from './device.js';
export { startWorker, type WorkerHandle, type WorkerOptions, type Runner } from './worker.js';
// the fleet test's scale probe writes window metrics exactly as a worker does
export { upsertMetrics } from './persist.js';
// early stopping by the sweep's rule, asked at each window boundary (system-tests check its decisions on Postgres)
export { EarlyStopper } from './early-stop.js';
// a tpe sweep's next points (the system tests call the reconcile part directly)
export { continueSweepSearch, resumeStalledSearches } from './sweep-search.js';
