// Seeded bootstrap confidence intervals: percentile and BCa (Efron & Tibshirani 1993, §13.3 and §14.3), over single
// values or over clusters of values. Conventions follow scipy.stats.bootstrap so that results can be checked against
// it: quantiles interpolate linearly (type 7), the bias correction counts ties with θ̂ as half, the acceleration is
// the jackknife skewness.
import { Rng } from '@driftprune/data/random';
import { quantileSorted } from './describe.js';
import { checkSample, StatsError } from './errors.js';
import { normalCdf, normalQuantile } from './normal.js';

export type BootstrapMethod = 'bca' | 'percentile';
/** A statistic of a (re)sample; the bootstrap calls it once per resample. */
export type Statistic = (sample: Float64Array) => number;

export interface BootstrapOptions {
  /** Seed of the resampling: the same seed, sample and options give the same interval. */
  seed: number;
  /** Resamples drawn (default 10,000). */
  resamples?: number;
  /** Coverage of the two-sided interval (default 0.95). */
  level?: number;
  /** Default `bca`. */
  method?: BootstrapMethod;
  /** Default: the mean. */
  statistic?: Statistic;
}

export interface BootstrapInterval {
  /** The statistic of the sample itself. */
  estimate: number;
  /** Bounds; null when there is no interval to give (fewer than two values or clusters). */
  lo: number | null;
  hi: number | null;
  level: number;
  /** The method that produced lo/hi (`percentile` when BCa had to fall back, see note). */
  method: BootstrapMethod;
  resamples: number;
  seed: number;
  /** Values (or clusters) resampled. */
  n: number;
  /** BCa's bias correction Φ⁻¹(share of resamples below θ̂, ties half) and jackknife acceleration. */
  z0?: number;
  acceleration?: number;
  /**
   * `too_few`: under two units, no interval; `degenerate`: every resample gives θ̂ (e.g. all values equal), so the
   * interval is [θ̂, θ̂]; `bca_fell_back`: every resample lies on one side of θ̂, where BCa is undefined, so the
   * percentile interval is given.
   */
  note?: 'too_few' | 'degenerate' | 'bca_fell_back';
}

export const meanStatistic: Statistic = (xs) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
};

interface Units {
  n: number;
  /** The statistic of the resample made of these units (indices may repeat). */
  ofIndices(idx: Int32Array): number;
  /** The statistic without unit i (the jackknife). */
  without(i: number): number;
  all(): number;
}

/** The options with their defaults, checked: a bad one is a BAD_OPTION (shared by every bootstrap here). */
export function bootstrapOptions(o: BootstrapOptions) {
  const resamples = o.resamples ?? 10_000;
  const level = o.level ?? 0.95;
  const method = o.method ?? 'bca';
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new StatsError('BAD_OPTION', `seed must be a non-negative integer, not ${o.seed}`);
  if (!Number.isInteger(resamples) || resamples < 100 || resamples > 10_000_000)
    throw new StatsError('BAD_OPTION', `resamples must be an integer in [100, 10,000,000], not ${resamples}`);
  if (!(level > 0 && level < 1)) throw new StatsError('BAD_OPTION', `level is a coverage in (0, 1), e.g. 0.95, not ${level}`);
  if (method !== 'bca' && method !== 'percentile') throw new StatsError('BAD_OPTION', `method must be bca or percentile, not ${String(method)}`);
  return { resamples, level, method, seed: o.seed };
}

/** The statistic over `resamples` resamples of the units (each drawn n times with replacement), in draw order. */
function distribution(units: Units, resamples: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const idx = new Int32Array(units.n);
  const out = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < units.n; i++) idx[i] = rng.int(units.n);
    out[b] = units.ofIndices(idx);
  }
  return out;
}

function interval(units: Units, o: BootstrapOptions): BootstrapInterval {
  const { resamples, level, method, seed } = bootstrapOptions(o);
  const estimate = units.all();
  const base = { estimate, level, resamples, seed, n: units.n };
  if (units.n < 2) return { ...base, lo: null, hi: null, method, note: 'too_few' };
  const dist = distribution(units, resamples, seed).sort();
  const alpha = (1 - level) / 2;
  if (dist[0] === dist[resamples - 1]) return { ...base, lo: dist[0], hi: dist[0], method, note: 'degenerate' };
  const percentile = () => ({ lo: quantileSorted(dist, alpha), hi: quantileSorted(dist, 1 - alpha) });
  if (method === 'percentile') return { ...base, ...percentile(), method };

  let below = 0;
  let atOrBelow = 0;
  for (const v of dist) {
    if (v < estimate) below++;
    if (v <= estimate) atOrBelow++;
  }
  const z0 = normalQuantile((below + atOrBelow) / (2 * resamples));
  if (!Number.isFinite(z0)) return { ...base, ...percentile(), method: 'percentile', note: 'bca_fell_back' };
  const jack = Float64Array.from({ length: units.n }, (_, i) => units.without(i));
  let jm = 0;
  for (const v of jack) jm += v / units.n;
  let num = 0;
  let den = 0;
  for (const v of jack) {
    num += (jm - v) ** 3;
    den += (jm - v) ** 2;
  }
  const acceleration = den > 0 ? num / (6 * den ** 1.5) : 0;
  const adjusted = (z: number) => normalCdf(z0 + (z0 + z) / (1 - acceleration * (z0 + z)));
  const za = normalQuantile(alpha);
  return { ...base, lo: quantileSorted(dist, adjusted(za)), hi: quantileSorted(dist, adjusted(-za)), method, z0, acceleration };
}

/** A bootstrap CI of `statistic` (default the mean) over the values of `sample`. */
export function bootstrapCI(sample: ArrayLike<number>, o: BootstrapOptions): BootstrapInterval {
  checkSample(sample);
  const xs = Float64Array.from(sample);
  const stat = o.statistic ?? meanStatistic;
  const buf = new Float64Array(xs.length);
  const rest = new Float64Array(Math.max(0, xs.length - 1));
  return interval(
    {
      n: xs.length,
      all: () => stat(xs),
      ofIndices(idx) {
        for (let i = 0; i < idx.length; i++) buf[i] = xs[idx[i]];
        return stat(buf);
      },
      without(j) {
        for (let i = 0, k = 0; i < xs.length; i++) if (i !== j) rest[k++] = xs[i];
        return stat(rest);
      },
    },
    o,
  );
}

/**
 * A bootstrap CI of the pooled mean of clustered values (every value weighs the same), resampling whole clusters:
 * for values that are not independent within a cluster, e.g. runs sharing a data seed in a crossed design. The
 * statistic is fixed (the pooled mean); options.statistic is refused.
 */
export function clusterBootstrapCI(clusters: readonly ArrayLike<number>[], o: BootstrapOptions): BootstrapInterval {
  if (o.statistic) throw new StatsError('BAD_OPTION', 'clusterBootstrapCI computes the pooled mean; it takes no statistic');
  if (clusters.length === 0) throw new StatsError('EMPTY_SAMPLE', 'no clusters');
  const sums = new Float64Array(clusters.length);
  const sizes = new Float64Array(clusters.length);
  clusters.forEach((c, i) => {
    checkSample(c, `cluster ${i}`);
    for (let j = 0; j < c.length; j++) sums[i] += c[j];
    sizes[i] = c.length;
  });
  const totalSum = sums.reduce((a, b) => a + b, 0);
  const totalSize = sizes.reduce((a, b) => a + b, 0);
  return interval(
    {
      n: clusters.length,
      all: () => totalSum / totalSize,
      ofIndices(idx) {
        let s = 0;
        let m = 0;
        for (let i = 0; i < idx.length; i++) {
          s += sums[idx[i]];
          m += sizes[idx[i]];
        }
        return s / m;
      },
      without: (j) => (totalSum - sums[j]) / (totalSize - sizes[j]),
    },
    o,
  );
}
