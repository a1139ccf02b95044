// adaptive_d2s (ours): d2s whose refreshes come from triggers (triggers/adaptive.ts) — the gap to dense, the
// drift of the dense model's mask — within [rMin, rMax] windows. Each refresh re-runs the configured allocation on
// the current dense model, so per-layer sparsity is re-chosen every time. No decision while a shadow is in flight.
import type { ParadigmConfig } from '@driftprune/config';
import { maskJaccard, type PruneResult } from '@driftprune/pruning';
import { countedDeltaNEPct } from '../metrics/metrics.js';
import { adaptiveTrigger, adaptiveTriggers } from '../triggers/adaptive.js';
import type { TriggerSignals } from '../triggers/types.js';
import type { RunContext } from '../run/context.js';
import type { WindowMetric } from '../types.js';
import { deriveFromDense, pruneDense } from './derive.js';
import type { Paradigm } from './types.js';

export function adaptiveD2SParadigm(p: Extract<ParadigmConfig, { kind: 'adaptive_d2s' }>): Paradigm {
  const triggers = adaptiveTriggers(p);
  return {
    kind: 'adaptive_d2s',
    denseTraining: 'always',
    warmupEnd: (run, t, win) => deriveFromDense(run, t, 'warmup_end', win, p.refresh),
    afterWindow: async (run, t, win, metrics) => {
      if (!run.serving || run.shadow) return;
      let candidate: PruneResult | undefined;
      const signals: TriggerSignals = {
        ...gaps(run, t, metrics),
        jaccard: async () => maskJaccard((candidate ??= await pruneDense(run, win)).mask, run.mask!),
      };
      const trigger = await adaptiveTrigger(p, signals, triggers);
      // The candidate pruned for the Jaccard trigger is the refresh's model: no second prune.
      if (trigger) await deriveFromDense(run, t, trigger, win, p.refresh, candidate);
    },
  };
}

/** The serving model's gap on window t and, when it already served then, on window t − 1. */
function gaps(run: RunContext, t: number, metrics: WindowMetric[]): Omit<TriggerSignals, 'jaccard'> {
  const sinceRefresh = t - run.st.lastRefreshWindow;
  const d = metrics.find((m) => m.model === 'dense');
  const s = metrics.find((m) => m.model === 'serving');
  // A window left out of the headline figures (one class, too few rows) says nothing about the gap either.
  const deltaNE = (d && s ? countedDeltaNEPct(s, d) : null) ?? NaN;
  let prev = NaN;
  if (sinceRefresh >= 2) {
    const pd = run.st.metrics.find((m) => m.window === t - 1 && m.model === 'dense');
    const ps = run.st.metrics.find((m) => m.window === t - 1 && m.model === 'serving');
    if (pd && ps) prev = countedDeltaNEPct(ps, pd) ?? NaN;
  }
  return { sinceRefresh, deltaNEPct: deltaNE, prevDeltaNEPct: prev };
}
