// Field resolvers of a sweep's analysis (services/sweep-analysis.ts) and of a run's early stop.
import type { Resolvers } from '../resolvers-types.js';
import { bestUnderBudgetOf, importanceOf, parallelCoordinatesOf, paretoFrontOf, parsedSweepConfig, searchOf } from '../services/sweep-analysis.js';

/** Run.earlyStop is stored JSON written by the worker; only a well-formed object is shown. */
export function earlyStopOf(v: unknown) {
  if (!v || typeof v !== 'object') return null;
  const e = v as Record<string, unknown>;
  if (typeof e.window !== 'number' || typeof e.rule !== 'string' || typeof e.reason !== 'string') return null;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  return { window: e.window, rule: e.rule, metric: typeof e.metric === 'string' ? e.metric : 'deltaNe', value: num(e.value), threshold: num(e.threshold), peers: num(e.peers) ?? 0, reason: e.reason };
}

export const sweepAnalysisResolvers: Resolvers = {
  Sweep: {
    earlyStopping: (s) => parsedSweepConfig(s)?.earlyStopping ?? null,
    search: (s, _a, ctx) => searchOf(ctx.db, s),
    paretoFront: (s, args, ctx) => paretoFrontOf(ctx.db, s, args),
    bestUnderBudget: (s, args, ctx) => bestUnderBudgetOf(ctx.db, s, args),
    parameterImportance: (s, args, ctx) => importanceOf(ctx.db, s, args.metric ?? 'MEAN_DELTA_NE_PCT'),
    parallelCoordinates: (s, _a, ctx) => parallelCoordinatesOf(ctx.db, s),
  },
  Run: {
    earlyStop: (r) => earlyStopOf(r.earlyStop),
  },
};
