// How a run is queued: its priority and how many attempts it gets. One definition for the API (validation), the
// queue (BullMQ priority) and the dashboard's form; the SDL's descriptions are checked against it by a unit test.
import { z } from 'zod';

/** Higher runs first. */
export const RUN_PRIORITY = { min: 0, max: 100, default: 0 } as const;
/** Attempts before a run fails (a retry after a transient error is one more attempt). */
export const RUN_ATTEMPTS = { min: 1, max: 10, default: 3 } as const;

const intIn = (name: string, b: { min: number; max: number }) =>
  z
    .number({ error: `${name} must be an integer in ${b.min}..${b.max}` })
    .int(`${name} must be an integer in ${b.min}..${b.max}`)
    .min(b.min, `${name} must be an integer in ${b.min}..${b.max}`)
    .max(b.max, `${name} must be an integer in ${b.min}..${b.max}`);

export const runQueueOptions = z.object({
  priority: intIn('priority', RUN_PRIORITY).nullish().transform((v) => v ?? RUN_PRIORITY.default),
  maxAttempts: intIn('maxAttempts', RUN_ATTEMPTS).nullish().transform((v) => v ?? RUN_ATTEMPTS.default),
});
export type RunQueueOptions = z.output<typeof runQueueOptions>;
export type RunQueueOptionsInput = z.input<typeof runQueueOptions>;
