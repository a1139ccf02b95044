// The experiment runner and its parts: metrics, paradigm triggers, serving evaluation.
export * from './types.js';
export { runExperiment } from './runner.js';
export { summarise, denseNEWarnings } from './summary.js';
export * from './metrics/metrics.js';
export * from './paradigms/triggers.js';
export { evaluateServing, speedups, abortError } from './serving/serving-eval.js';
