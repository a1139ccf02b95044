// The pigeonhole (two-way) bootstrap of Owen 2007 ("The pigeonhole bootstrap", Ann. Appl. Stat. 1(2)) for a crossed
// design: values indexed by two random factors — here data seeds × init seeds — where each row shares a data seed's
// effect and each column an init seed's. Rows and columns are resampled independently, with replacement, and the
// statistic is the mean of the resampled cells. Resampling rows alone (clusterBootstrapCI) treats the columns as fixed
// and so leaves the init seed's share of the spread out of the interval.
import { Rng } from '@driftprune/data/random';
import { bootstrapOptions } from './bootstrap.js';
import { quantileSorted } from './describe.js';
import { checkSample, StatsError } from './errors.js';

export interface CrossedBootstrapOptions {
  seed: number;
  /** Default 10,000. */
  resamples?: number;
  /** Default 0.95. */
  level?: number;
}

export interface CrossedInterval {
  /** The mean of every cell. */
  estimate: number;
  /** Percentile bounds; null when either factor has fewer than two levels. */
  lo: number | null;
  hi: number | null;
  level: number;
  method: 'percentile';
  resamples: number;
  seed: number;
  rows: number;
  columns: number;
  note?: 'too_few';
}

/** `matrix[r][c]`: every row the same length (a complete crossed design), every value finite. */
export function crossedBootstrapCI(matrix: readonly ArrayLike<number>[], o: CrossedBootstrapOptions): CrossedInterval {
  const rows = matrix.length;
  if (rows === 0) throw new StatsError('EMPTY_SAMPLE', 'no rows');
  const columns = matrix[0].length;
  matrix.forEach((r, i) => {
    checkSample(r, `row ${i}`);
    if (r.length !== columns) throw new StatsError('BAD_OPTION', `row ${i} has ${r.length} values, row 0 has ${columns}: the design must be complete`);
  });
  const { level, resamples } = bootstrapOptions({ ...o, method: 'percentile' });
  let total = 0;
  for (const r of matrix) for (let c = 0; c < columns; c++) total += r[c];
  const estimate = total / (rows * columns);
  const base = { estimate, level, method: 'percentile' as const, resamples, seed: o.seed, rows, columns };
  if (rows < 2 || columns < 2) return { ...base, lo: null, hi: null, note: 'too_few' };
  const rng = new Rng(o.seed);
  const rowIdx = new Int32Array(rows);
  const colCount = new Float64Array(columns);
  const stats = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < rows; i++) rowIdx[i] = rng.int(rows);
    colCount.fill(0);
    for (let j = 0; j < columns; j++) colCount[rng.int(columns)]++;
    let s = 0;
    for (let i = 0; i < rows; i++) {
      const r = matrix[rowIdx[i]];
      for (let c = 0; c < columns; c++) if (colCount[c]) s += colCount[c] * r[c];
    }
    stats[b] = s / (rows * columns);
  }
  stats.sort();
  const alpha = (1 - level) / 2;
  return { ...base, lo: quantileSorted(stats, alpha), hi: quantileSorted(stats, 1 - alpha) };
}
