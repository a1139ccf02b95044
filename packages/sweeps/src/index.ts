// @driftprune/sweeps: analysis and search over a sweep's runs. Pure TypeScript, no I/O: callers (the worker, the
// API) read the numbers from the database and pass them in.
export type { EarlyStoppingRule, StopDecision, StopQuestion } from './early-stopping/rule.js';
export { MedianRule, type MedianRuleOptions } from './early-stopping/median.js';
export { AshaRule, ashaRungs, type AshaRuleOptions } from './early-stopping/asha.js';
export { earlyStoppingRule, EARLY_STOPPING_RULES } from './early-stopping/registry.js';
export { runningMetric, windowValues, describeMetric, type StopMetric, type WindowNe } from './early-stopping/metric.js';
export { groupPoints, pointKey, type PointFigures, type RunFigures } from './points.js';
export { paretoFront, bestUnderBudget, dominates, type Candidate } from './pareto.js';
export { parameterImportance, IMPORTANCE_BINS, type ImportanceRun, type ImportanceLevel, type ParameterImportance } from './importance.js';
export { parallelCoordinates, type ParallelDimension, type ParallelRow, type ParallelInput } from './parallel-coordinates.js';
export { proposeTpe, randomAssignment, type TpeObservation, type TpeOptions } from './tpe.js';
export { csvCell, toCsv, type Cell } from './csv.js';
export { planSearch, type SearchPlan, type SearchRun } from './search-plan.js';
