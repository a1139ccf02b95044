export * from './data-roots.js';
export * from './run-data.js';
export * from './cache.js';
export * from './staging.js';
export * from './stats.js';
export * from './stored-datasets.js';
export * from './upload-client.js';
