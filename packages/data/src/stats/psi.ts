// Population stability index: PSI = Σ_i (q_i − p_i)·ln(q_i / p_i) over bins, with shares floored at ε so empty
// bins stay finite. Rule of thumb: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 large shift.
export const PSI_EPSILON = 1e-4;

export function psi(p: ArrayLike<number>, q: ArrayLike<number>, eps = PSI_EPSILON): number {
  if (p.length !== q.length) throw new Error(`psi: ${p.length} vs ${q.length} bins`);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = Math.max(p[i], eps);
    const b = Math.max(q[i], eps);
    s += (b - a) * Math.log(b / a);
  }
  return s;
}

/** Bin index of x among sorted inner edges (bins: (-∞, e0), [e0, e1), …, [e_last, ∞)). */
export function binOf(edges: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Inner edges at the deciles (or `bins` quantiles) of a sample, duplicates removed. */
export function quantileEdges(sample: ArrayLike<number>, bins = 10): number[] {
  const sorted = Float64Array.from(sample).sort();
  if (sorted.length === 0) return [];
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / bins))];
    if (edges.length === 0 || v > edges[edges.length - 1]) edges.push(v);
  }
  return edges;
}

/** Shares of a sample in the bins defined by edges. */
export function binShares(edges: ArrayLike<number>, sample: ArrayLike<number>): Float64Array {
  const shares = new Float64Array(edges.length + 1);
  if (sample.length === 0) return shares;
  for (let i = 0; i < sample.length; i++) shares[binOf(edges, sample[i])]++;
  for (let i = 0; i < shares.length; i++) shares[i] /= sample.length;
  return shares;
}
