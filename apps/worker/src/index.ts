export * from './queue.js';
export * from './events.js';
export { startWorker, resolveBackend, type WorkerHandle, type WorkerOptions, type Runner } from './worker.js';
