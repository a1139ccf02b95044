// @driftprune/stats: the statistics of comparing runs (docs/results.md reports with them; the dashboard may too).
export { StatsError, type StatsErrorCode } from './errors.js';
export { mean, variance, std, quantile, quantileSorted, median } from './describe.js';
export { normalCdf, normalQuantile } from './normal.js';
export { bootstrapCI, clusterBootstrapCI, meanStatistic, type BootstrapInterval, type BootstrapMethod, type BootstrapOptions, type Statistic } from './bootstrap.js';
export { crossedBootstrapCI, type CrossedBootstrapOptions, type CrossedInterval } from './crossed.js';
export { signTest, binomialHalfCdf, type SignTest } from './sign-test.js';
export { pairUp, comparePaired, type Paired, type PairedComparison } from './paired.js';
export { meanNE, pooledNE, deltaPct, type WindowLoss } from './ne.js';
export { pointwiseBands, type BandPoint } from './bands.js';
