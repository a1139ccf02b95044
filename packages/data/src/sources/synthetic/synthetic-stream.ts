// The synthetic drifting CTR stream: Criteo-like rows (dense counts, Zipf-popular categorical ids) labelled by a
// drifting teacher (teacher.ts) with popularity that rotates and ids that are born (vocabulary.ts), a daily CTR
// cycle and label noise. Every row is generated from its own seed (seed, window, row), so a window needs no
// storage: iterating it again, or in shuffled order, regenerates exactly the same rows. Memory is O(fields ×
// vocabulary + batch), whatever the number of rows or windows.
import type { DataConfig, SyntheticOptions } from '@driftprune/config';
import type { Batch, Stream, StreamSchema, Window } from '../../types.js';
import { DataError } from '../../errors.js';
import { FieldHasher, modU32, resolveTableSizes } from '../../hash/field-hasher.js';
import { fmix32, murmur3Int } from '../../hash/murmur3.js';
import { AliasTable, zipfWeights } from '../../random/alias.js';
import { Permutation } from '../../random/permutation.js';
import { Rng, mixSeed } from '../../random/rng.js';
import { parseWindowRule, timeWindowId, timeWindowKey, MS } from '../../windows/window-rule.js';
import { Vocabulary } from './vocabulary.js';
import {
  DENSE_LOGIT_STD,
  DriftingDirection,
  INTERACTION_DIMS,
  INTERACTION_FIELDS,
  INTERACTION_SCALE,
  LATENT_DIMS,
  fieldScales,
  idInteraction,
  idLatent,
} from './teacher.js';

/** Synthetic time starts on Monday 2024-01-01 00:00 UTC, so day and week windows align with calendar ones. */
export const SYNTHETIC_EPOCH = Date.UTC(2024, 0, 1);

/** The teacher and vocabulary of one window, frozen (a window can be re-iterated after later ones exist). */
export interface SyntheticWindowState {
  t: number;
  rows: number;
  windowSeed: number;
  startHour: number;
  /** Field-major, numFields × vocabPerField: the bucket and the teacher weight of the id at each rank. */
  bucketByRank: Int32Array;
  /** Field-major: the full murmur3 hash of the id at each rank (for collision counting). */
  hashByRank: Int32Array;
  weightByRank: Float32Array;
  /** min(numFields, 3) × vocabPerField × 4: the interaction vectors of the first fields' ids, by rank. */
  interactionByRank: Float32Array;
  numInteractionFields: number;
  denseWeights: Float32Array;
}

/** Levels of the dense features' quantile tables: a draw is one uniform and one lookup in 16 KB. */
const QUANTILE_BITS = 12;
const QUANTILE_LEVELS = 1 << QUANTILE_BITS;

/**
 * log(1 + c) for c = floor(exp(μ + g)), g ~ N(0, 1) (log-normal counts, as Criteo's integer features), as a table of
 * its quantiles at (k + ½)/4096: drawing is table[u32 >>> 20], no transcendental function and one cache line.
 */
function countQuantiles(mu: number): Float32Array {
  const table = new Float32Array(QUANTILE_LEVELS);
  const cdf = (c: number) => 0.5 * (1 + erf((Math.log(c + 1) - mu) / Math.SQRT2)); // P(count ≤ c)
  let c = 0;
  for (let k = 0; k < QUANTILE_LEVELS; k++) {
    const q = (k + 0.5) / QUANTILE_LEVELS;
    while (cdf(c) < q) c++;
    table[k] = Math.log1p(c);
  }
  return table;
}

/** Φ⁻¹((k + ½)/4096): standard normal quantiles, found by bisection on erf. */
const NORMAL_QUANTILES = (() => {
  const t = new Float32Array(QUANTILE_LEVELS);
  for (let k = 0; k < QUANTILE_LEVELS; k++) {
    const q = (k + 0.5) / QUANTILE_LEVELS;
    let lo = -8;
    let hi = 8;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (0.5 * (1 + erf(mid / Math.SQRT2)) < q) lo = mid;
      else hi = mid;
    }
    t[k] = (lo + hi) / 2;
  }
  return t;
})();

/** Error function (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

/** Grows a typed array to hold at least n elements. */
function ensure<T extends Float32Array | Int32Array>(a: T, n: number): T {
  if (a.length >= n) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

export class SyntheticGenerator {
  readonly schema: StreamSchema;
  readonly hasher: FieldHasher;
  readonly o: SyntheticOptions;
  readonly numWindows: number;
  readonly rowsPerWindow: number;
  private readonly alias: AliasTable;
  private readonly scales: Float64Array;
  private readonly denseMean: Float32Array;
  private readonly bias0: number;
  private readonly fieldSeeds: Int32Array;
  private readonly sizes: Int32Array;
  private readonly rule: ReturnType<typeof parseWindowRule>;
  private readonly denseCounts: Float32Array[];
  private readonly newIdThreshold: number;
  private readonly noiseThreshold: number;
  /** The teacher's click probability of the last row generated (before label noise): the Bayes-optimal prediction. */
  lastP = NaN;

  constructor(
    config: DataConfig,
    readonly seed: number,
    trackCollisions = true,
  ) {
    const o = (this.o = config.synthetic);
    const rule = parseWindowRule(config.window);
    const hoursFor = { hour: 1, day: 24, week: 168 } as const;
    if (rule.kind !== 'rows' && hoursFor[rule.kind] !== o.hoursPerWindow)
      throw new DataError(
        'BAD_OPTIONS',
        `window ${rule.kind} needs synthetic.hoursPerWindow = ${hoursFor[rule.kind]} (it is ${o.hoursPerWindow}); set one to match, or use window rows:N`,
      );
    this.rule = rule;
    // Each window freezes a rank table of numFields × vocabPerField entries (about 8 bytes each, more for ids born).
    if (o.numFields * o.vocabPerField > 1 << 24)
      throw new DataError(
        'BAD_OPTIONS',
        `synthetic.numFields × synthetic.vocabPerField = ${o.numFields * o.vocabPerField} exceeds ${1 << 24}; lower vocabPerField (the Zipf tail beyond a few thousand ranks is rarely drawn)`,
      );
    const perWindow = rule.kind === 'rows' ? rule.rows : o.rowsPerWindow;
    this.rowsPerWindow = Math.min(perWindow, config.maxRowsPerWindow ?? Infinity);
    this.numWindows = Math.min(o.windows, config.maxWindows ?? Infinity);
    const fieldNames = Array.from({ length: o.numFields }, (_, f) => `C${f + 1}`);
    const denseNames = Array.from({ length: o.numDense }, (_, d) => `I${d + 1}`);
    this.schema = { denseNames, fieldNames, tableSizes: resolveTableSizes(config.hashSize, o.numFields) };
    this.hasher = new FieldHasher(fieldNames, this.schema.tableSizes, trackCollisions);
    this.fieldSeeds = this.hasher.seeds;
    this.sizes = this.hasher.sizes;
    this.alias = new AliasTable(zipfWeights(o.vocabPerField, o.zipfExponent));
    this.scales = fieldScales(o.numFields).map((x) => x * o.signalScale);
    this.denseMean = Float32Array.from({ length: o.numDense }, (_, d) => 1 + (3 * mixSeed(seed, d, 0xde75e)) / 2 ** 32);
    this.denseCounts = Array.from(this.denseMean, (m) => countQuantiles(m));
    this.newIdThreshold = o.newIdRate * 2 ** 32;
    this.noiseThreshold = o.labelNoise * 2 ** 32;
    this.bias0 = Math.log(o.baseCtr / (1 - o.baseCtr));
    this.signal = o.signalScale;
  }

  private readonly signal: number;

  /** The frozen states of windows 0, 1, 2, … (computed in order: each window's drift builds on the last). */
  *states(): Generator<SyntheticWindowState> {
    const o = this.o;
    const F = o.numFields;
    const V = o.vocabPerField;
    const K = LATENT_DIMS;
    const vocab = new Vocabulary(F, V, mixSeed(this.seed, 0x70cab));
    const u = new DriftingDirection(K, mixSeed(this.seed, 0x1a7e));
    const a = new DriftingDirection(o.numDense || 1, mixSeed(this.seed, 0xde5e));
    // Per-field caches indexed by raw id (ids are born in order, so these only grow).
    const latent: Float32Array[] = Array.from({ length: F }, () => new Float32Array(V * K));
    const buckets: Int32Array[] = Array.from({ length: F }, () => new Int32Array(V));
    const fullHashes: Int32Array[] = Array.from({ length: F }, () => new Int32Array(V));
    const inter: Float32Array[] = Array.from({ length: Math.min(F, INTERACTION_FIELDS) }, () => new Float32Array(V * INTERACTION_DIMS));
    const filled = new Array<number>(F).fill(0);
    for (let t = 0; t < this.numWindows; t++) {
      if (t > 0) {
        vocab.advance(o.rankRotation);
        u.step(o.driftStd);
        a.step(o.driftStd);
        if (o.shiftEvery > 0 && t % o.shiftEvery === 0) {
          u.step(o.shiftScale);
          a.step(o.shiftScale);
        }
      }
      const st: SyntheticWindowState = {
        t,
        rows: this.rowsPerWindow,
        windowSeed: mixSeed(this.seed, t, 0x5eed),
        startHour: t * o.hoursPerWindow,
        bucketByRank: new Int32Array(F * V),
        hashByRank: new Int32Array(F * V),
        weightByRank: new Float32Array(F * V),
        interactionByRank: new Float32Array(inter.length * V * INTERACTION_DIMS),
        numInteractionFields: inter.length,
        denseWeights: Float32Array.from({ length: o.numDense }, (_, d) => a.v[d] * DENSE_LOGIT_STD * o.signalScale),
      };
      for (let f = 0; f < F; f++) {
        const born = vocab.idsBorn(f);
        latent[f] = ensure(latent[f], born * K);
        buckets[f] = ensure(buckets[f], born);
        fullHashes[f] = ensure(fullHashes[f], born);
        if (f < inter.length) inter[f] = ensure(inter[f], born * INTERACTION_DIMS);
        for (let id = filled[f]; id < born; id++) {
          for (let k = 0; k < K; k++) latent[f][id * K + k] = idLatent(this.seed, f, id, k);
          const h = murmur3Int(id, this.fieldSeeds[f]);
          fullHashes[f][id] = h;
          buckets[f][id] = modU32(h, this.sizes[f]);
          if (f < inter.length)
            for (let k = 0; k < INTERACTION_DIMS; k++) inter[f][id * INTERACTION_DIMS + k] = idInteraction(this.seed, f, id, k);
        }
        filled[f] = born;
        const ranks = vocab.rankToId[f];
        const s = this.scales[f];
        for (let r = 0; r < V; r++) {
          const id = ranks[r];
          st.bucketByRank[f * V + r] = buckets[f][id];
          st.hashByRank[f * V + r] = fullHashes[f][id];
          let dot = 0;
          for (let k = 0; k < K; k++) dot += latent[f][id * K + k] * u.v[k];
          st.weightByRank[f * V + r] = s * dot;
          if (f < inter.length)
            for (let k = 0; k < INTERACTION_DIMS; k++)
              st.interactionByRank[(f * V + r) * INTERACTION_DIMS + k] = inter[f][id * INTERACTION_DIMS + k];
        }
      }
      yield st;
    }
  }

  /**
   * Writes row i of a window at position `at` of the output arrays; returns its label. `count` records every id of
   * the row in the collision counters (done on a window's first read only, so re-reading does not count twice).
   */
  row(st: SyntheticWindowState, i: number, rng: Rng, dense: Float32Array, cat: Int32Array, at: number, count: boolean): number {
    const o = this.o;
    const F = o.numFields;
    const D = o.numDense;
    rng.seedRow(st.windowSeed, i);
    const hour = st.startHour + ((i + 0.5) / st.rows) * o.hoursPerWindow;
    let logit = this.bias0 + o.dailyCycleAmplitude * Math.sin((2 * Math.PI * hour) / 24);
    const nInter = st.numInteractionFields;
    const V = o.vocabPerField;
    let e0 = 0,
      e1 = 0,
      e2 = 0,
      e3 = 0,
      f0 = 0,
      f1 = 0,
      f2 = 0,
      f3 = 0,
      g0 = 0,
      g1 = 0,
      g2 = 0,
      g3 = 0;
    const cOff = at * F;
    const alias = this.alias;
    const byRank = st.bucketByRank;
    const weights = st.weightByRank;
    const collisions = this.hasher.collisions;
    for (let f = 0; f < F; f++) {
      let bucket: number;
      let w: number;
      let rank = -1;
      let raw = 0;
      if (rng.u32() < this.newIdThreshold) {
        // A one-off id never seen before (raw ids ≥ 2^31 are never vocabulary ids).
        raw = (rng.u32() | 0x80000000) >>> 0;
        bucket = count ? this.hasher.int(f, raw) : modU32(murmur3Int(raw, this.fieldSeeds[f]), this.sizes[f]);
        w = this.scales[f] * NORMAL_QUANTILES[fmix32((raw ^ Math.imul(f + 1, 0x2545f491)) >>> 0) >>> (32 - QUANTILE_BITS)];
      } else {
        rank = alias.sample(rng);
        bucket = byRank[f * V + rank];
        w = weights[f * V + rank];
        if (count) collisions[f].record(bucket, st.hashByRank[f * V + rank] >>> 0);
      }
      cat[cOff + f] = bucket;
      logit += w;
      if (f < nInter) {
        let x0: number, x1: number, x2: number, x3: number;
        if (rank >= 0) {
          const e = st.interactionByRank;
          const p = (f * V + rank) * INTERACTION_DIMS;
          x0 = e[p];
          x1 = e[p + 1];
          x2 = e[p + 2];
          x3 = e[p + 3];
        } else {
          // One-off ids: four normals from the bits of one hash of the id (3 × 8 bits each is plenty here).
          const h = fmix32((raw ^ Math.imul(f + 7, 0x68e31da4)) >>> 0);
          const h2 = fmix32((h ^ 0x5bd1e995) >>> 0);
          x0 = NORMAL_QUANTILES[h >>> 20];
          x1 = NORMAL_QUANTILES[(h << 12) >>> 20];
          x2 = NORMAL_QUANTILES[h2 >>> 20];
          x3 = NORMAL_QUANTILES[(h2 << 12) >>> 20];
        }
        if (f === 0) {
          e0 = x0;
          e1 = x1;
          e2 = x2;
          e3 = x3;
        } else if (f === 1) {
          f0 = x0;
          f1 = x1;
          f2 = x2;
          f3 = x3;
        } else {
          g0 = x0;
          g1 = x1;
          g2 = x2;
          g3 = x3;
        }
      }
    }
    if (nInter >= 2) {
      let pair = e0 * f0 + e1 * f1 + e2 * f2 + e3 * f3;
      if (nInter >= 3) pair += e0 * g0 + e1 * g1 + e2 * g2 + e3 * g3 + f0 * g0 + f1 * g1 + f2 * g2 + f3 * g3;
      logit += (this.signal * INTERACTION_SCALE * pair) / 2;
    }
    const dOff = at * D;
    const mean = this.denseMean;
    const dw = st.denseWeights;
    const counts = this.denseCounts;
    for (let d = 0; d < D; d++) {
      // Count-like features (log-normal counts) as Criteo's, already log(1 + x)-transformed.
      const x = counts[d][rng.u32() >>> (32 - QUANTILE_BITS)];
      dense[dOff + d] = x;
      logit += dw[d] * (x - mean[d]);
    }
    const p = 1 / (1 + Math.exp(-logit));
    this.lastP = p;
    let y = rng.next() < p ? 1 : 0;
    if (rng.u32() < this.noiseThreshold) y = 1 - y;
    return y;
  }

  window(st: SyntheticWindowState, batchSize: number): Window {
    const o = this.o;
    const start = SYNTHETIC_EPOCH + st.startHour * MS.HOUR;
    const end = start + o.hoursPerWindow * MS.HOUR;
    let id: string;
    let range = { start, end };
    if (this.rule.kind === 'rows') {
      id = `rows-${st.t}`;
      range = { start: st.t * st.rows, end: (st.t + 1) * st.rows };
    } else id = timeWindowId(this.rule.kind, timeWindowKey(this.rule.kind, start));
    let counted = false;
    return {
      index: st.t,
      id,
      start: range.start,
      end: range.end,
      rows: st.rows,
      badRows: 0,
      badRowSamples: [],
      batches: (opts?: { batchSize?: number; shuffleSeed?: number }): AsyncIterable<Batch> => {
        const B = opts?.batchSize ?? batchSize;
        if (!(B >= 1)) throw new Error(`batchSize must be ≥ 1, got ${B}`);
        const count = !counted;
        counted = true;
        return this.generate(st, B, opts?.shuffleSeed, count);
      },
    };
  }

  /** The rows of a window in batches of B, in order or through a keyed permutation. */
  private async *generate(st: SyntheticWindowState, B: number, shuffleSeed: number | undefined, count: boolean): AsyncGenerator<Batch> {
    const o = this.o;
    const perm = shuffleSeed === undefined ? null : new Permutation(st.rows, shuffleSeed);
    const rng = new Rng();
    const dense = new Float32Array(B * o.numDense);
    const cat = new Int32Array(B * o.numFields);
    const labels = new Float32Array(B);
    for (let s = 0; s < st.rows; s += B) {
      const n = Math.min(st.rows, s + B) - s;
      for (let j = 0; j < n; j++) labels[j] = this.row(st, perm ? perm.at(s + j) : s + j, rng, dense, cat, j, count);
      yield { size: n, dense: dense.subarray(0, n * o.numDense), cat: cat.subarray(0, n * o.numFields), labels: labels.subarray(0, n) };
    }
  }
}

export function openSynthetic(config: DataConfig, options: { seed: number; trackCollisions?: boolean }): Stream {
  const gen = new SyntheticGenerator(config, config.synthetic.seed ?? options.seed, options.trackCollisions ?? true);
  return {
    schema: gen.schema,
    hashCollisions: () => gen.hasher.report(),
    async *windows() {
      for (const st of gen.states()) yield gen.window(st, config.batchSize);
    },
  };
}
