// adaptive_d2s's refresh decision (ours): its triggers, in order, within [rMin, rMax] windows of the last refresh —
// never sooner than rMin, always at rMax (`r_max`). Returns the name of the trigger that fired, or null.
import type { ParadigmConfig } from '@driftprune/config';
import { deltaNETrigger } from './delta-ne.js';
import { driftTrigger } from './drift.js';
import { jaccardTrigger } from './jaccard.js';
import type { RefreshTrigger, TriggerSignals } from './types.js';

type AdaptiveConfig = Extract<ParadigmConfig, { kind: 'adaptive_d2s' }>;

/** The triggers adaptive_d2s checks, in this order (the first that fires names the refresh); drift when driftPct > 0. */
export function adaptiveTriggers(p: AdaptiveConfig): RefreshTrigger[] {
  const triggers = [deltaNETrigger({ tau: p.tau, requireGrowingGap: p.requireGrowingGap })];
  if (p.driftPct > 0) triggers.push(driftTrigger({ pct: p.driftPct }));
  triggers.push(jaccardTrigger({ bound: p.jaccardBound }));
  return triggers;
}

export async function adaptiveTrigger(p: AdaptiveConfig, s: TriggerSignals, triggers: RefreshTrigger[] = adaptiveTriggers(p)): Promise<string | null> {
  if (s.sinceRefresh >= p.rMax) return 'r_max';
  if (s.sinceRefresh < p.rMin) return null;
  for (const trigger of triggers) if (await trigger.fires(s)) return trigger.name;
  return null;
}
