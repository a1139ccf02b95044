// The experiment runner and its parts: metrics, the paradigm registry, refresh triggers, serving evaluation, report.
export * from './types.js';
export { runExperiment } from './runner.js';
export { pruneOptionsOf } from './run/context.js';
export { summarise, denseNEWarnings } from './summary.js';
export * from './metrics/metrics.js';
export { createParadigm, PARADIGM_FACTORIES, type Paradigm } from './paradigms/index.js';
export * from './triggers/index.js';
export { evaluateServing, speedups, abortError } from './serving/serving-eval.js';
export { reportHtml, type ReportInput } from './report/report-html.js';
export { writeReport } from './report/write-report.js';
