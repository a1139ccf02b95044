// jaccard (ours): the mask the dense model would give now overlaps the serving mask below a bound — the important
// neurons have moved, whatever the gap says yet.
import type { RefreshTrigger } from './types.js';

export function jaccardTrigger(o: { bound: number }): RefreshTrigger {
  return { name: 'jaccard', fires: async (s) => (await s.jaccard()) < o.bound };
}
