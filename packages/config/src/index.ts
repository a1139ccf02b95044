export * from './experiment.js';
export * from './sweep.js';
export * from './validate.js';
export * from './env.js';
