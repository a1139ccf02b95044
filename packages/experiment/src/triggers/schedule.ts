// Window-counter rules: the end of warm-up (every pruning paradigm's first sparse model) and the periodic schedule
// of d2s (refresh) and sparse_regrow (regrow) every r windows after it.
import type { ParadigmConfig } from '@driftprune/config';

/** The last warm-up window: at its end the first sparse model is generated (no sparse model before). */
export function isWarmupEnd(p: ParadigmConfig, t: number): boolean {
  return p.kind !== 'dense' && t === Math.max(0, p.warmupWindows - 1);
}

/** Every r windows after the first generation (d2s refreshes, sparse_regrow regrows). */
export function periodicDue(p: ParadigmConfig, t: number): boolean {
  if (p.kind !== 'd2s' && p.kind !== 'sparse_regrow') return false;
  const first = Math.max(0, p.warmupWindows - 1);
  return t > first && (t - first) % p.r === 0;
}
