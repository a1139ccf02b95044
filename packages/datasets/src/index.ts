export * from './data-roots.js';
export * from './run-data.js';
