// A model-based search that proposes the next sweep point from the completed ones: the Tree-structured Parzen
// Estimator (Bergstra et al. 2011), independent per parameter as in Hyperopt and Optuna's default. The completed
// points are split into the best γ share ("good") and the rest; for each parameter a density l(x) is fitted to the
// good values and g(x) to the others (Parzen windows for ranges, smoothed frequencies for listed values, each mixed
// with the prior), candidates are drawn from l, and the candidate with the largest l(x)/g(x) is proposed. Conditional
// parameters (`when`) are drawn only where they apply, from the observations where they applied. Deterministic in
// (seed, history): the same completed points give the same proposal.
import { isActive, parameterOrder, type SweepParameter } from '@driftprune/config';
import { Rng } from '@driftprune/data/random';
import { normalCdf } from '@driftprune/stats';

export interface TpeObservation {
  assignment: Record<string, unknown>;
  /** The objective, lower is better (negate one to maximise). */
  y: number;
}

export interface TpeOptions {
  seed: number;
  /** Share of the observations that count as good (default 0.25). */
  gamma?: number;
  /** Candidates drawn from l per parameter (default 24). */
  candidates?: number;
  /** Weight of the prior in each density, in observations (default 1). */
  priorWeight?: number;
  /** Below this many observations of a parameter it is drawn at random (default 4). */
  minObservations?: number;
}

type Params = Record<string, SweepParameter>;

/** One uniform draw of every active parameter, in dependency order. */
export function randomAssignment(parameters: Params, rng: Rng): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  for (const k of parameterOrder(parameters)) if (isActive(parameters[k], a)) a[k] = drawUniform(parameters[k], rng);
  return a;
}

function drawUniform(p: SweepParameter, rng: Rng): unknown {
  if ('values' in p) return p.values[rng.int(p.values.length)];
  const [a, b] = bounds(p);
  return fromSpace(p, a + rng.next() * (b - a));
}

/** A range in the space TPE works in (log for log-scale ranges). */
function bounds(p: Extract<SweepParameter, { min: number }>): [number, number] {
  return p.log ? [Math.log(p.min), Math.log(p.max)] : [p.min, p.max];
}
const toSpace = (p: Extract<SweepParameter, { min: number }>, x: number) => (p.log ? Math.log(x) : x);
function fromSpace(p: Extract<SweepParameter, { min: number }>, t: number): number {
  let x = p.log ? Math.exp(t) : t;
  x = Math.min(p.max, Math.max(p.min, x));
  return p.integer ? Math.round(x) : x;
}

/** Truncated Gaussian mixture on [a, b]: the prior (uniform) with weight w0, one kernel per observation. */
class Parzen {
  private readonly sigmas: number[];
  private readonly norms: number[];
  constructor(
    private readonly mus: number[],
    private readonly a: number,
    private readonly b: number,
    private readonly w0: number,
  ) {
    const span = b - a || 1;
    const sorted = [...mus].sort((x, y) => x - y);
    // Bergstra's bandwidth: the larger distance to a neighbour (the bounds count), clipped to [span/min(100, n+1), span]
    const lo = span / Math.min(100, mus.length + 1);
    this.sigmas = mus.map((m) => {
      const i = sorted.indexOf(m);
      const left = i > 0 ? m - sorted[i - 1] : m - a;
      const right = i < sorted.length - 1 ? sorted[i + 1] - m : b - m;
      return Math.min(span, Math.max(lo, left, right));
    });
    this.norms = mus.map((m, i) => Math.max(1e-12, normalCdf((b - m) / this.sigmas[i]) - normalCdf((a - m) / this.sigmas[i])));
  }

  sample(rng: Rng): number {
    const total = this.w0 + this.mus.length;
    const pick = rng.next() * total;
    if (pick < this.w0 || !this.mus.length) return this.a + rng.next() * (this.b - this.a);
    const i = Math.min(this.mus.length - 1, Math.floor(pick - this.w0));
    for (let t = 0; t < 100; t++) {
      const x = this.mus[i] + this.sigmas[i] * rng.gaussian();
      if (x >= this.a && x <= this.b) return x;
    }
    return Math.min(this.b, Math.max(this.a, this.mus[i]));
  }

  logPdf(x: number): number {
    const span = this.b - this.a || 1;
    let p = this.w0 / span;
    for (let i = 0; i < this.mus.length; i++) {
      const z = (x - this.mus[i]) / this.sigmas[i];
      p += Math.exp(-0.5 * z * z) / (this.sigmas[i] * Math.sqrt(2 * Math.PI) * this.norms[i]);
    }
    return Math.log(p / (this.w0 + this.mus.length));
  }
}

/** The next point to try, given the completed ones. */
export function proposeTpe(parameters: Params, history: readonly TpeObservation[], opts: TpeOptions): Record<string, unknown> {
  const gamma = opts.gamma ?? 0.25;
  const nCand = opts.candidates ?? 24;
  const w0 = opts.priorWeight ?? 1;
  const minObs = opts.minObservations ?? 4;
  const rng = new Rng(1).reseed(opts.seed, history.length);
  const obs = history.filter((h) => Number.isFinite(h.y));
  const a: Record<string, unknown> = {};
  for (const k of parameterOrder(parameters)) {
    const p = parameters[k];
    if (!isActive(p, a)) continue;
    const mine = obs.filter((h) => Object.hasOwn(h.assignment, k)).sort((x, y) => x.y - y.y);
    if (mine.length < minObs) {
      a[k] = drawUniform(p, rng);
      continue;
    }
    const nGood = Math.max(1, Math.ceil(gamma * mine.length));
    const good = mine.slice(0, nGood).map((h) => h.assignment[k]);
    const bad = mine.slice(nGood).map((h) => h.assignment[k]);
    if ('values' in p) {
      const K = p.values.length;
      const weights = (xs: unknown[]) => p.values.map((v) => (xs.filter((x) => x === v).length + w0 / K) / (xs.length + w0));
      const l = weights(good);
      const g = weights(bad);
      let best = -1;
      let bestScore = -Infinity;
      for (let c = 0; c < nCand; c++) {
        let u = rng.next();
        let i = 0;
        while (i < K - 1 && u >= l[i]) u -= l[i++];
        const score = Math.log(l[i]) - Math.log(g[i]);
        if (score > bestScore) [best, bestScore] = [i, score];
      }
      a[k] = p.values[best];
    } else {
      const [lo, hi] = bounds(p);
      const l = new Parzen(good.map((x) => toSpace(p, x as number)), lo, hi, w0);
      const g = new Parzen(bad.map((x) => toSpace(p, x as number)), lo, hi, w0);
      let best = lo;
      let bestScore = -Infinity;
      for (let c = 0; c < nCand; c++) {
        const x = l.sample(rng);
        const score = l.logPdf(x) - g.logPdf(x);
        if (score > bestScore) [best, bestScore] = [x, score];
      }
      a[k] = fromSpace(p, best);
    }
  }
  return a;
}
