// drift (ours): the dense model's own NE on the last window is `pct` percent above its mean since the last refresh —
// the data moved, whether or not the serving model's gap shows it yet (a refresh derives from the dense model, so
// it is the dense model's view of the data that matters).
import type { RefreshTrigger } from './types.js';

export function driftTrigger(o: { pct: number }): RefreshTrigger {
  return { name: 'drift', fires: (s) => s.denseNERisePct > o.pct };
}
