// When each paradigm changes its serving model: pure decisions on window counters and measured gaps, so that the
// runner's schedule can be checked on its own. Window indices are those of the stream (0-based); a decision taken
// "after window t" acts once the model has trained on W_t, before it is evaluated on W_(t+1).
import type { ParadigmConfig } from '@driftprune/config';
import { cubicSparsity } from '@driftprune/pruning';

/** The last warm-up window: at its end the first sparse model is generated (no sparse model before). */
export function isWarmupEnd(p: ParadigmConfig, t: number): boolean {
  return p.kind !== 'dense' && t === Math.max(0, p.warmupWindows - 1);
}

/** d2s: refresh every r windows after the first generation. sparse_regrow: regrow on the same schedule. */
export function periodicDue(p: ParadigmConfig, t: number): boolean {
  if (p.kind !== 'd2s' && p.kind !== 'sparse_regrow') return false;
  const first = Math.max(0, p.warmupWindows - 1);
  return t > first && (t - first) % p.r === 0;
}

export interface AdaptiveSignals {
  /** Windows since the last refresh, counting this one (1 right after a refresh). */
  sinceRefresh: number;
  /** ΔNE% of the serving model on the window just evaluated (NaN when unknown). */
  deltaNEPct: number;
  /** ΔNE% of the same serving model on the window before (NaN when it was not serving then). */
  prevDeltaNEPct?: number;
  /** Jaccard index between the mask the dense model would give now and the serving mask (NaN when not computed). */
  jaccard: number;
}

/**
 * adaptive_d2s (ours): refresh when the gap on the last window exceeds tau, or the dense model's mask has drifted
 * below the Jaccard bound, but never sooner than rMin windows after the last refresh and always after rMax.
 * Returns the trigger's name or null.
 */
export function adaptiveTrigger(p: Extract<ParadigmConfig, { kind: 'adaptive_d2s' }>, s: AdaptiveSignals): string | null {
  if (s.sinceRefresh >= p.rMax) return 'r_max';
  if (s.sinceRefresh < p.rMin) return null;
  if (gapTriggers(p, s.deltaNEPct, s.prevDeltaNEPct)) return 'delta_ne';
  if (s.jaccard < p.jaccardBound) return 'jaccard';
  return null;
}

/** The ΔNE condition: above tau and, with requireGrowingGap, larger than the same model's gap on the window before. */
function gapTriggers(p: Extract<ParadigmConfig, { kind: 'adaptive_d2s' }>, gap: number, prev: number | undefined): boolean {
  if (!(gap > p.tau)) return false;
  if (p.requireGrowingGap === false) return true;
  return prev !== undefined && Number.isFinite(prev) && gap > prev;
}

/** adaptive_d2s needs the mask of the dense model only when a Jaccard trigger could fire now. */
export function adaptiveNeedsJaccard(p: Extract<ParadigmConfig, { kind: 'adaptive_d2s' }>, sinceRefresh: number, deltaNEPct: number, prevDeltaNEPct?: number): boolean {
  return sinceRefresh >= p.rMin && sinceRefresh < p.rMax && !gapTriggers(p, deltaNEPct, prevDeltaNEPct);
}

/**
 * gradual: the target sparsity at a point of the ramp, which starts after warm-up and lasts rampWindows windows.
 * `progress` is windows into the ramp (fractional within a window); the schedule is the cubic one.
 */
export function gradualTarget(p: Extract<ParadigmConfig, { kind: 'gradual' }>, budget: number, t: number, batchIndex: number, batchesInWindow: number): number {
  const progress = t - p.warmupWindows + batchIndex / Math.max(1, batchesInWindow);
  if (progress < 0) return 0;
  return cubicSparsity(budget, progress, p.rampWindows);
}

/** gradual prunes every everySteps steps while the ramp lasts, and once more when it ends to land on the budget. */
export function gradualPruneNow(p: Extract<ParadigmConfig, { kind: 'gradual' }>, t: number, stepInWindow: number): boolean {
  const inRamp = t >= p.warmupWindows && t < p.warmupWindows + p.rampWindows;
  return inRamp && stepInWindow > 0 && stepInWindow % p.everySteps === 0;
}
