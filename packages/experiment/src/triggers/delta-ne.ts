// delta_ne (ours): the serving model's gap to dense on the last window exceeds tau percent. With
// requireGrowingGap (the default) it must also exceed the same serving model's gap on the window before: right
// after a refresh the gap is mostly the pruning shock, which training recovers, and without this rule the shock
// alone re-triggers refreshes (docs/results.md: 22.7 refreshes in 28 windows at 90 %).
import type { RefreshTrigger } from './types.js';

export function deltaNETrigger(o: { tau: number; requireGrowingGap: boolean }): RefreshTrigger {
  return {
    name: 'delta_ne',
    fires: (s) => {
      if (!(s.deltaNEPct > o.tau)) return false;
      if (!o.requireGrowingGap) return true;
      return Number.isFinite(s.prevDeltaNEPct) && s.deltaNEPct > s.prevDeltaNEPct;
    },
  };
}
