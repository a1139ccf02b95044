// The cubic sparsity schedule of Zhu & Gupta (2017): s_t = s_f · (1 − (1 − t/n)³) for t in [0, n].
// Most pruning happens early, when the network still has redundancy, and it slows as the target nears.
export function cubicSparsity(finalSparsity: number, step: number, totalSteps: number): number {
  if (totalSteps <= 0 || step >= totalSteps) return finalSparsity;
  if (step <= 0) return 0;
  const frac = 1 - step / totalSteps;
  return finalSparsity * (1 - frac * frac * frac);
}
