export * from './experiment.js';
export * from './sweep.js';
export * from './config-path.js';
export * from './validate.js';
export * from './env.js';
export * from './run-queue.js';
export * from './run-size.js';
export * from './export-query.js';
