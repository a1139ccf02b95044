// adaptive_d2s (ours): d2s that adapts when and how much. When: a refresh comes from triggers (triggers/adaptive.ts)
// — the gap to dense, the dense model's own NE rising (driftPct), the drift of the dense model's mask — within
// [rMin, rMax] windows; each refresh re-runs the configured allocation on the current dense model, so per-layer
// sparsity is re-chosen every time. How much (budgetAdaptation): each later refresh prunes less when the serving
// model's mean gap since its refresh was above tau, more when it was below lowGapPct. No decision while a shadow is
// in flight.
import type { ParadigmConfig } from '@driftprune/config';
import { maskJaccard, type PruneResult } from '@driftprune/pruning';
import { countedDeltaNEPct } from '../metrics/metrics.js';
import { adaptiveTrigger, adaptiveTriggers } from '../triggers/adaptive.js';
import type { TriggerSignals } from '../triggers/types.js';
import type { RunContext } from '../run/context.js';
import type { WindowMetric } from '../types.js';
import { deriveFromDense, pruneDense } from './derive.js';
import type { Paradigm } from './types.js';

type AdaptiveConfig = Extract<ParadigmConfig, { kind: 'adaptive_d2s' }>;

export function adaptiveD2SParadigm(p: AdaptiveConfig): Paradigm {
  const triggers = adaptiveTriggers(p);
  return {
    kind: 'adaptive_d2s',
    denseTraining: 'always',
    warmupEnd: (run, t, win) => deriveFromDense(run, t, 'warmup_end', win, p.refresh),
    afterWindow: async (run, t, win, metrics) => {
      if (!run.serving || run.shadow) return;
      const budget = run.st.adaptiveBudget ?? run.pruneOpts!.budget;
      let candidate: PruneResult | undefined;
      const signals: TriggerSignals = {
        ...gaps(run, t, metrics),
        jaccard: async () => maskJaccard((candidate ??= await pruneDense(run, win, budget)).mask, run.mask!),
      };
      const trigger = await adaptiveTrigger(p, signals, triggers);
      if (!trigger) return;
      const next = p.budgetAdaptation.enabled ? adaptBudget(run, p, t, budget) : budget;
      run.st.adaptiveBudget = next;
      // The candidate pruned for the Jaccard trigger is the refresh's model (no second prune) when the budget stayed.
      await deriveFromDense(run, t, trigger, win, p.refresh, next === budget ? candidate : undefined, next);
    },
  };
}

/** The budget of the next refresh: less pruning after a wide gap, more after a narrow one, within [min, max]. */
export function adaptBudget(run: RunContext, p: AdaptiveConfig, t: number, budget: number): number {
  const a = p.budgetAdaptation;
  const gapsSince: number[] = [];
  for (let w = run.st.lastRefreshWindow + 1; w <= t; w++) {
    const d = run.st.metrics.find((m) => m.window === w && m.model === 'dense');
    const s = run.st.metrics.find((m) => m.window === w && m.model === 'serving');
    const g = d && s ? countedDeltaNEPct(s, d) : null;
    if (g !== null) gapsSince.push(g);
  }
  if (!gapsSince.length) return budget;
  const mean = gapsSince.reduce((x, y) => x + y, 0) / gapsSince.length;
  const moved = mean > p.tau ? budget - a.step : mean < a.lowGapPct ? budget + a.step : budget;
  return Math.min(a.max, Math.max(a.min, moved));
}

/** The serving model's gap on window t and, when it already served then, on window t − 1; the dense model's NE rise. */
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
  // The dense model's NE on this window against its mean over the counted windows since the last refresh.
  const before = run.st.metrics.filter((m) => m.model === 'dense' && m.window > run.st.lastRefreshWindow && m.window < t && !m.excluded && m.ne !== null);
  const mean = before.length ? before.reduce((x, m) => x + m.ne!, 0) / before.length : NaN;
  const rise = d && !d.excluded && d.ne !== null && mean > 0 ? 100 * (d.ne / mean - 1) : NaN;
  return { sinceRefresh, deltaNEPct: deltaNE, prevDeltaNEPct: prev, denseNERisePct: rise };
}
