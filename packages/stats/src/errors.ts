// Coded errors: a caller can tell a bad input (empty sample, NaN, a level outside (0, 1)) from a bug.
export type StatsErrorCode = 'EMPTY_SAMPLE' | 'NON_FINITE' | 'BAD_OPTION' | 'UNPAIRED';

export class StatsError extends Error {
  constructor(
    readonly code: StatsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StatsError';
  }
}

/** Throws NON_FINITE naming the first value that is not a finite number, EMPTY_SAMPLE for an empty sample. */
export function checkSample(sample: ArrayLike<number>, what = 'sample'): void {
  if (sample.length === 0) throw new StatsError('EMPTY_SAMPLE', `${what} is empty`);
  for (let i = 0; i < sample.length; i++)
    if (!Number.isFinite(sample[i])) throw new StatsError('NON_FINITE', `${what}[${i}] is ${sample[i]}, not a finite number`);
}
