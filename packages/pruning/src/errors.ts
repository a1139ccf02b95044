// Errors of a pruning request that no retry can fix: the budget or the allocation the config asks for cannot be
// applied to this model. `permanent` tells the worker to fail the run at once instead of retrying it.

export type PruningConfigErrorCode = 'PRUNING_BUDGET_UNREACHABLE' | 'ALLOCATION_UNSUPPORTED';

export class PruningConfigError extends Error {
  readonly permanent = true;
  constructor(
    readonly code: PruningConfigErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'PruningConfigError';
  }
}
