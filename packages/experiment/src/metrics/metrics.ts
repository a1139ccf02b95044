// Window metrics of a CTR model: log loss, normalized entropy (NE), AUC and calibration.
// NE = mean log loss / entropy of the window's background CTR (lower is better; 1 = no better than the base rate).
//
// A window that holds one label class has no ranking to measure (AUC), no clicks to calibrate against (calibration
// when it has no positive) and a background entropy of 0, so its NE is not a ratio of anything (the probability
// clip once turned it into 208,361): those metrics are null, never NaN or a clipped number. A window whose rarer
// class has fewer than `minClassRows` rows has every metric, but they are noise; either kind of window is kept in
// the per-window trace and left out of the headline figures (docs/method.md § Protocol).

/** Probabilities are clipped to [eps, 1 − eps] so a confident mistake costs a large but finite loss. */
export const PROB_EPS = 1e-7;

function clip(p: number): number {
  return p < PROB_EPS ? PROB_EPS : p > 1 - PROB_EPS ? 1 - PROB_EPS : p;
}

/** Mean binary cross-entropy (natural log). */
export function logLoss(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const q = clip(p[i]);
    s -= y[i] > 0.5 ? Math.log(q) : Math.log(1 - q);
  }
  return s / p.length;
}

/** Entropy of a Bernoulli(ctr) in nats. */
export function binaryEntropy(ctr: number): number {
  const c = clip(ctr);
  return -(c * Math.log(c) + (1 - c) * Math.log(1 - c));
}

function positives(y: ArrayLike<number>): number {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i] > 0.5 ? 1 : 0;
  return pos;
}

/** NE; null when the window holds one class (its background entropy is 0). */
export function normalizedEntropy(p: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const pos = positives(y);
  if (pos === 0 || pos === y.length) return null;
  return logLoss(p, y) / binaryEntropy(pos / y.length);
}

/** Area under the ROC curve by the rank-sum (Mann–Whitney) statistic; tied scores share their mean rank. Null for one class. */
export function auc(p: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = p.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  let pos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && p[idx[j + 1]] === p[idx[i]]) j++;
    const meanRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[idx[k]] > 0.5) { pos++; rankSumPos += meanRank; }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** mean(p) / mean(y): 1 is calibrated, above 1 over-predicts clicks. Null when the window has no positive. */
export function calibration(p: ArrayLike<number>, y: ArrayLike<number>): number | null {
  let sp = 0;
  let sy = 0;
  for (let i = 0; i < p.length; i++) { sp += p[i]; sy += y[i]; }
  return sy === 0 ? null : sp / sy;
}

/** Why a window is left out of the headline figures: it holds one class, or too few rows of its rarer class. */
export type WindowExclusion = 'one_class' | 'few_rows';

/** The window's exclusion, if any: one class, or fewer than `minClassRows` rows of the rarer class. */
export function windowExclusion(y: ArrayLike<number>, minClassRows: number): WindowExclusion | null {
  const pos = positives(y);
  const rarer = Math.min(pos, y.length - pos);
  if (rarer === 0) return 'one_class';
  return rarer < minClassRows ? 'few_rows' : null;
}

/** A model's metrics on one window. */
export interface WindowSummary {
  rows: number;
  /** Null when the window holds one label class (its background entropy is 0). */
  ne: number | null;
  logLoss: number;
  /** Null when the window holds one label class. */
  auc: number | null;
  /** mean(p) / mean(y); null when the window has no positive. */
  calibration: number | null;
  /**
   * Present when the window is left out of the headline figures (and of adaptive triggers): `one_class`, or
   * `few_rows` (fewer than evaluation.minClassRows rows of its rarer class). The trace keeps it.
   */
  excluded?: WindowExclusion;
}

/** ΔNE% of a serving model against the dense model on the same window. */
export function deltaNEPct(neServing: number, neDense: number): number {
  return 100 * (neServing / neDense - 1);
}

/** ΔNE% on a window both models were evaluated on, or null when the window does not count (excluded, or no NE). */
export function countedDeltaNEPct(serving: Pick<WindowSummary, 'ne' | 'excluded'>, dense: Pick<WindowSummary, 'ne' | 'excluded'>): number | null {
  if (serving.excluded || dense.excluded || serving.ne === null || dense.ne === null) return null;
  return deltaNEPct(serving.ne, dense.ne);
}

/** Collects predictions of one model over a window's batches. */
export class PredictionLog {
  private p: Float64Array;
  private y: Float64Array;
  private n = 0;
  constructor(capacity = 1024) {
    this.p = new Float64Array(capacity);
    this.y = new Float64Array(capacity);
  }
  add(pred: ArrayLike<number>, labels: ArrayLike<number>, size = labels.length): void {
    if (this.n + size > this.p.length) {
      const cap = Math.max(this.p.length * 2, this.n + size);
      const np = new Float64Array(cap);
      np.set(this.p.subarray(0, this.n));
      const ny = new Float64Array(cap);
      ny.set(this.y.subarray(0, this.n));
      this.p = np;
      this.y = ny;
    }
    for (let i = 0; i < size; i++) { this.p[this.n + i] = pred[i]; this.y[this.n + i] = labels[i]; }
    this.n += size;
  }
  get size(): number {
    return this.n;
  }
  /** The window's metrics; `minClassRows` rows of each class at least, or the window is excluded (`few_rows`). */
  summary(minClassRows = 1): WindowSummary {
    const p = this.p.subarray(0, this.n);
    const y = this.y.subarray(0, this.n);
    const excluded = windowExclusion(y, minClassRows);
    return { rows: this.n, ne: normalizedEntropy(p, y), logLoss: logLoss(p, y), auc: auc(p, y), calibration: calibration(p, y), ...(excluded ? { excluded } : {}) };
  }
}
