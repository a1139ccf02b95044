export { selectBackend } from './device.js';
export { startWorker, type WorkerHandle, type WorkerOptions, type Runner } from './worker.js';
