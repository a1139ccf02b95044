// Paired differences: each treatment value minus the baseline value with the same key (for runs: the same stream,
// data seed and initialisation seed), so that what the pair shares cancels out.
import { bootstrapCI, type BootstrapInterval, type BootstrapOptions } from './bootstrap.js';
import { mean, std } from './describe.js';
import { StatsError } from './errors.js';
import { signTest, type SignTest } from './sign-test.js';

export interface Paired {
  /** Keys present on both sides, in the treatment's order. */
  keys: string[];
  /** treatment − baseline, aligned with keys. */
  diffs: number[];
  /** Keys with no partner on the other side (reported, never silently dropped). */
  onlyTreatment: string[];
  onlyBaseline: string[];
}

export function pairUp(treatment: ReadonlyMap<string, number>, baseline: ReadonlyMap<string, number>): Paired {
  const keys: string[] = [];
  const diffs: number[] = [];
  const onlyTreatment: string[] = [];
  for (const [k, v] of treatment) {
    const b = baseline.get(k);
    if (b === undefined) onlyTreatment.push(k);
    else {
      keys.push(k);
      diffs.push(v - b);
    }
  }
  const onlyBaseline = [...baseline.keys()].filter((k) => !treatment.has(k));
  return { keys, diffs, onlyTreatment, onlyBaseline };
}

export interface PairedComparison extends Paired {
  n: number;
  meanDiff: number;
  stdDiff: number;
  ci: BootstrapInterval;
  sign: SignTest;
}

/** Mean paired difference with its bootstrap CI and sign test; UNPAIRED when no key is on both sides. */
export function comparePaired(treatment: ReadonlyMap<string, number>, baseline: ReadonlyMap<string, number>, o: BootstrapOptions & { tieTolerance?: number }): PairedComparison {
  const p = pairUp(treatment, baseline);
  if (p.diffs.length === 0)
    throw new StatsError('UNPAIRED', `no pair: treatment keys ${p.onlyTreatment.slice(0, 3).join(', ')}…, baseline keys ${p.onlyBaseline.slice(0, 3).join(', ')}…`);
  return { ...p, n: p.diffs.length, meanDiff: mean(p.diffs), stdDiff: std(p.diffs), ci: bootstrapCI(p.diffs, o), sign: signTest(p.diffs, o.tieTolerance ?? 0) };
}
