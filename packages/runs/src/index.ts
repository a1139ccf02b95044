// @driftprune/runs: a run's life. The job/event contract shared by the API and the workers, the producer side of the
// run queues, the run status transitions (the only writer of Run.status and Sweep.status), reconcile.
export * from './contract.js';
export { RunQueues, queueOfRun, type QueuedRun, type JobOfRun } from './queues.js';
export { RunEvents } from './events.js';
export { RUN_STATUSES, RUN_TRANSITIONS, TRANSITION_NAMES, RunTransitionError, isLegal, isRefusal, type RunTransition, type RunStatusAfter, type TransitionRefusal } from './transitions.js';
export { transitionRun, transitionRuns, requestCancel, type TransitionData, type TransitionOptions } from './run-status.js';
export { refreshSweepStatus, sweepStatusOf, type SweepCounts } from './sweep-status.js';
export { announceTransition, announceTransitions } from './announce.js';
export { submitRuns, cancelRuns, retryRun, deleteRuns, type LifecycleDeps, type NewRun, type NewSweep, type CancelResult } from './lifecycle.js';
export { claimRun, succeedRun, stopRunEarly, failRun, requeueRun, cancelClaimedRun, failAbandonedRun, type RunClaim, type ClaimAnswer, type ClaimsDeps } from './claims.js';
export { reconcileRuns, type ReconcileOptions, type ReconcileResult } from './reconcile.js';
export { extendSweep } from './extend-sweep.js';
export { LABEL_PATTERN, MAX_RUN_LABELS, MAX_WORKER_LABELS, canonicalLabels, labelsOfRunConfig, parseRunQueueName, parseWorkerLabels, queueRegistryKey, queuesServed, runQueueName } from './labels.js';
export { parseWorkerState, workerStateKey, workerStateTtlMs, type WorkerLiveState } from './fleet.js';
