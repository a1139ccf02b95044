// Window metrics of a CTR model: log loss, normalized entropy (NE), AUC and calibration.
// NE = mean log loss / entropy of the window's background CTR (lower is better; 1 = no better than the base rate).

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

export function normalizedEntropy(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i] > 0.5 ? 1 : 0;
  return logLoss(p, y) / binaryEntropy(pos / y.length);
}

/** Area under the ROC curve by the rank-sum (Mann–Whitney) statistic; tied scores share their mean rank. */
export function auc(p: ArrayLike<number>, y: ArrayLike<number>): number {
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
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** mean(p) / mean(y): 1 is calibrated, above 1 over-predicts clicks. */
export function calibration(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let sp = 0;
  let sy = 0;
  for (let i = 0; i < p.length; i++) { sp += p[i]; sy += y[i]; }
  return sy === 0 ? NaN : sp / sy;
}

/** ΔNE% of a serving model against the dense model on the same window. */
export function deltaNEPct(neServing: number, neDense: number): number {
  return 100 * (neServing / neDense - 1);
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
  summary(): { rows: number; ne: number; logLoss: number; auc: number; calibration: number } {
    const p = this.p.subarray(0, this.n);
    const y = this.y.subarray(0, this.n);
    return { rows: this.n, ne: normalizedEntropy(p, y), logLoss: logLoss(p, y), auc: auc(p, y), calibration: calibration(p, y) };
  }
}
