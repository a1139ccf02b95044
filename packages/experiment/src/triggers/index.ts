// Refresh triggers: one rule per file behind RefreshTrigger (types.ts), combined by adaptive_d2s (adaptive.ts);
// the window-counter schedules of the periodic paradigms (schedule.ts).
export type { RefreshTrigger, TriggerSignals } from './types.js';
export { isWarmupEnd, periodicDue } from './schedule.js';
export { deltaNETrigger } from './delta-ne.js';
export { jaccardTrigger } from './jaccard.js';
export { driftTrigger } from './drift.js';
export { adaptiveTrigger, adaptiveTriggers } from './adaptive.js';
