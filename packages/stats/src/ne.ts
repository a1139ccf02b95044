// Normalized entropy over several windows: the mean of per-window NE, and the row-weighted (pooled) NE.
import { StatsError } from './errors.js';

/** One model's metrics on one window (as the runner and the API report them). */
export interface WindowLoss {
  rows: number;
  /** Mean log loss over the window's rows. */
  logLoss: number;
  /** logLoss / H(window's positive rate); null for a one-class window (H = 0). */
  ne: number | null;
}

function usable(ws: readonly WindowLoss[]): WindowLoss[] {
  for (const [i, w] of ws.entries())
    if (!(w.rows >= 0) || !Number.isFinite(w.logLoss) || (w.ne !== null && !Number.isFinite(w.ne)))
      throw new StatsError('NON_FINITE', `window ${i}: rows ${w.rows}, logLoss ${w.logLoss}, ne ${w.ne}`);
  return ws.filter((w): w is WindowLoss & { ne: number } => w.ne !== null && w.ne > 0 && w.rows > 0);
}

/** The unweighted mean of per-window NE (every window counts the same); null when no window has an NE. */
export function meanNE(ws: readonly WindowLoss[]): number | null {
  const u = usable(ws);
  return u.length ? u.reduce((a, w) => a + w.ne!, 0) / u.length : null;
}

/**
 * The row-weighted (pooled) NE: Σ rows·logLoss / Σ rows·H, with H = logLoss / NE each window's background entropy.
 * Every row counts the same, and each window keeps its own base rate (as the per-window NE does); a window of
 * 100,000 rows weighs ten times one of 10,000. Null when no window has an NE.
 */
export function pooledNE(ws: readonly WindowLoss[]): number | null {
  const u = usable(ws);
  let loss = 0;
  let entropy = 0;
  for (const w of u) {
    loss += w.rows * w.logLoss;
    entropy += (w.rows * w.logLoss) / w.ne!;
  }
  return entropy > 0 ? loss / entropy : null;
}

/** ΔNE% = 100·(NE_model / NE_reference − 1). */
export function deltaPct(value: number, reference: number): number {
  return 100 * (value / reference - 1);
}
