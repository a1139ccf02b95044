// The experiment runner and its parts: metrics, paradigm triggers, serving evaluation.
export * from './types.js';
export { runExperiment, summarise } from './runner.js';
export * from './metrics/metrics.js';
export * from './paradigms/triggers.js';
export { evaluateServing, speedups, abortError } from './serving/serving-eval.js';
