// Pruning operators on plain ModelParams: structured neurons or unstructured weights; magnitude / Taylor / hybrid
// criteria; uniform / global / greedy allocation rules (allocations/, one file each); FLOPs accounting, mask Jaccard, RigL-style regrowth and the
// cubic schedule.
export * from './flops.js';
export * from './structure.js';
export * from './criteria.js';
export * from './allocation.js';
export * from './errors.js';
export { ALLOCATION_RULES, allocationRule, type AllocationRule, type NeuronCandidate } from './allocations/index.js';
export * from './prune.js';
export * from './jaccard.js';
export * from './regrow.js';
export * from './schedule.js';
