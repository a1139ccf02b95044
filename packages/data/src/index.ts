// @driftprune/data: time-ordered CTR streams (synthetic drift, Criteo, Avazu, MovieLens, generic CSV) as windows of
// typed mini-batches, plus their statistics.
export * from './types.js';
export { openStream, type OpenStreamOptions } from './open-stream.js';
export { DataError, type DataErrorCode } from './errors.js';
export { computeStats, type StreamStats, type WindowStats, type FieldWindowStats, type StatsOptions } from './stats/stream-stats.js';
export { psi } from './stats/psi.js';
export { murmur3Bytes, murmur3String, murmur3Int } from './hash/murmur3.js';
export { FieldHasher, fieldSeed, resolveTableSizes } from './hash/field-hasher.js';
export { parseWindowRule, timeWindowKey, timeWindowRange, timeWindowId, type ParsedWindowRule } from './windows/window-rule.js';
export { SyntheticGenerator, SYNTHETIC_EPOCH } from './sources/synthetic/synthetic-stream.js';
export { CRITEO_DENSE, CRITEO_FIELDS } from './sources/criteo.js';
export { AVAZU_COLUMNS } from './sources/avazu.js';
export { MOVIELENS_FIELDS, MOVIELENS_DENSE } from './sources/movielens.js';
export { CLICKS_FIELDS, CLICKS_DENSE, type ClicksSummary } from './sources/clicks.js';
