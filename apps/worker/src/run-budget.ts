// The per-run budget a worker enforces (issue 12.6): wall time from the run's start on this worker, and resident
// memory of the run's process. The env sets the worker's ceiling (RUN_MAX_WALL_SEC, RUN_MAX_MEMORY_MB); a run's
// config may only ask for less (runBudget). An over-budget run fails for good with RUN_BUDGET_EXCEEDED.
import { ConfigError, estimateRunSize, type Env, type ExperimentConfig } from '@driftprune/config';
import { isPermanentDataError } from '@driftprune/datasets';

export interface RunBudget {
  wallMs: number;
  memoryBytes: number;
}

export type BudgetReason = 'wall' | 'memory';

/** A run over its budget: coded, permanent (running it again would exceed it again). */
export class RunBudgetExceededError extends Error {
  readonly code = 'RUN_BUDGET_EXCEEDED';
  readonly permanent = true;
  constructor(
    readonly reason: BudgetReason,
    detail: string,
  ) {
    super(`RUN_BUDGET_EXCEEDED (${reason}): ${detail}`);
    this.name = 'RunBudgetExceededError';
  }
}

const MiB = 2 ** 20;

const mb = (b: number) => `${Math.round(b / MiB).toLocaleString('en-US')} MiB`;

/** The smaller of the worker's ceiling and the run's own request. */
export function runBudgetFor(env: Pick<Env, 'RUN_MAX_WALL_SEC' | 'RUN_MAX_MEMORY_MB'>, config: Pick<ExperimentConfig, 'runBudget'>): RunBudget {
  const wallSec = Math.min(env.RUN_MAX_WALL_SEC, config.runBudget?.wallSec ?? Infinity);
  const memoryMb = Math.min(env.RUN_MAX_MEMORY_MB, config.runBudget?.memoryMb ?? Infinity);
  return { wallMs: wallSec * 1000, memoryBytes: memoryMb * MiB };
}

/**
 * Refuses, before any work, a run whose models alone would not fit its memory budget (estimateRunSize's model
 * bytes). The process itself adds ~170–250 MiB (Node, onnxruntime, a window of rows); the memory watch of the
 * run's process (child-runner.ts) enforces the rest.
 */
export function assertFitsBudget(config: ExperimentConfig, budget: RunBudget): void {
  const need = estimateRunSize(config).modelBytes;
  if (need > budget.memoryBytes)
    throw new RunBudgetExceededError(
      'memory',
      `the run's models need about ${mb(need)} (estimate: parameters × 4 bytes × (weight, gradient, optimizer slots, mask, Taylor) × live models); its budget is ${mb(budget.memoryBytes)} (runBudget.memoryMb / RUN_MAX_MEMORY_MB)`,
    );
}

/**
 * Arms the wall-time budget: past it, `ac` is aborted with a RunBudgetExceededError as its reason (the runner stops
 * within a mini-batch; a run in a child process is killed if it does not). Returns the disarm function.
 */
export function armWallBudget(ac: AbortController, budget: RunBudget): () => void {
  const t = setTimeout(() => {
    if (!ac.signal.aborted) ac.abort(new RunBudgetExceededError('wall', `the run took longer than its budget of ${budget.wallMs / 1000} s (runBudget.wallSec / RUN_MAX_WALL_SEC)`));
  }, budget.wallMs);
  t.unref();
  return () => clearTimeout(t);
}

/** The budget error that stopped a run, if one did. */
export function budgetErrorOf(signal: AbortSignal): RunBudgetExceededError | null {
  return signal.aborted && signal.reason instanceof RunBudgetExceededError ? signal.reason : null;
}

/**
 * Errors that fail the same way on every attempt, so the run fails at once (attempts stay 1): a bad config, a data
 * path outside the roots or data the sources reject, an exceeded budget.
 */
export function isPermanentRunError(e: unknown): boolean {
  return e instanceof ConfigError || e instanceof RunBudgetExceededError || isPermanentDataError(e);
}
