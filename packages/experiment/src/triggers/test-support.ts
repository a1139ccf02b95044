// Parsed paradigm configs and trigger signals for the trigger and paradigm tests.
import { experimentConfig, parseConfig, type ParadigmConfig } from '@driftprune/config';
import type { TriggerSignals } from './types.js';

export function paradigmConfig<K extends ParadigmConfig['kind']>(p: { kind: K } & Record<string, unknown>): Extract<ParadigmConfig, { kind: K }> {
  return parseConfig(experimentConfig, { data: { source: 'synthetic' }, paradigm: p, pruning: { budget: 0.75 } }).paradigm as Extract<ParadigmConfig, { kind: K }>;
}

/** Signals with a Jaccard value that counts how often it is asked for. */
export function signals(s: { sinceRefresh: number; deltaNEPct: number; prevDeltaNEPct?: number; jaccard?: number; denseNERisePct?: number }): TriggerSignals & { jaccardCalls: number } {
  const out = {
    sinceRefresh: s.sinceRefresh,
    deltaNEPct: s.deltaNEPct,
    prevDeltaNEPct: s.prevDeltaNEPct ?? NaN,
    denseNERisePct: s.denseNERisePct ?? NaN,
    jaccardCalls: 0,
    jaccard: async () => {
      out.jaccardCalls++;
      return s.jaccard ?? NaN;
    },
  };
  return out;
}
