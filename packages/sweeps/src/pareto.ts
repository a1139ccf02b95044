// Multi-objective views of a sweep: the Pareto front of accuracy gap (ΔNE %, lower is better) against serving cost
// (latency or FLOPs, lower is better), and the best point under a cost budget.

export interface Candidate {
  id: string;
  /** Accuracy gap, e.g. mean ΔNE % (lower is better). */
  gap: number;
  /** Serving cost, e.g. p99 ms or FLOPs per example (lower is better). */
  cost: number;
}

/** Whether a dominates b: no worse in both objectives and better in one. */
export function dominates(a: Candidate, b: Candidate): boolean {
  return a.gap <= b.gap && a.cost <= b.cost && (a.gap < b.gap || a.cost < b.cost);
}

/**
 * The non-dominated candidates, by cost ascending (then gap): sort by cost, keep each whose gap is below every gap
 * seen at a lower cost. O(n log n). Equal candidates are all kept (neither dominates the other).
 */
export function paretoFront<C extends Candidate>(candidates: readonly C[]): C[] {
  const finite = candidates.filter((c) => Number.isFinite(c.gap) && Number.isFinite(c.cost));
  const sorted = [...finite].sort((a, b) => a.cost - b.cost || a.gap - b.gap || (a.id < b.id ? -1 : 1));
  const front: C[] = [];
  let bestGap = Infinity;
  let last: C | null = null;
  for (const c of sorted) {
    const tie = last !== null && c.cost === last.cost && c.gap === last.gap;
    if (c.gap < bestGap || (tie && front[front.length - 1] === last)) {
      front.push(c);
      bestGap = Math.min(bestGap, c.gap);
    }
    last = c;
  }
  return front;
}

/** The candidate with the lowest gap among those whose cost is within the budget (ties: lower cost); null when none fits. */
export function bestUnderBudget<C extends Candidate>(candidates: readonly C[], budget: number): C | null {
  let best: C | null = null;
  for (const c of candidates) {
    if (!Number.isFinite(c.gap) || !Number.isFinite(c.cost) || c.cost > budget) continue;
    if (!best || c.gap < best.gap || (c.gap === best.gap && c.cost < best.cost)) best = c;
  }
  return best;
}
