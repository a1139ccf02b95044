// Server-side downsampling of a run's metric series: when a model has more than maxPoints windows, windows are
// grouped into equal buckets and each bucket becomes one point (the mean of its windows), computed in Postgres
// (the queries, and the point's fields, come from the window-metric definition of @driftprune/db).
import { windowMetricBuckets, windowMetricSpans, type Db, type MetricPoint } from '@driftprune/db';
import { badInput } from './errors.js';

export type { MetricPoint };

export interface MetricSeries {
  runId: string;
  totalPoints: number;
  downsampled: boolean;
  bucketSize: number;
  points: MetricPoint[];
}

export const MAX_POINTS = 10_000;

/** Windows per bucket so that a span of `span` windows gives at most maxPoints points. */
export function bucketSizeFor(span: number, maxPoints: number): number {
  return span <= maxPoints ? 1 : Math.ceil(span / maxPoints);
}

export interface SeriesQuery {
  runId: string;
  model?: 'dense' | 'serving' | null;
  fromWindow?: number | null;
  toWindow?: number | null;
  maxPoints?: number | null;
}

export async function metricSeries(db: Db, q: SeriesQuery): Promise<MetricSeries> {
  const maxPoints = q.maxPoints ?? 500;
  if (!Number.isInteger(maxPoints) || maxPoints < 1 || maxPoints > MAX_POINTS) throw badInput(`maxPoints must be an integer in 1..${MAX_POINTS}`);
  // Per-model counts and the window span first, then one GROUP BY pass.
  const stats = await windowMetricSpans(db, q);
  const total = stats.reduce((a, s) => a + s.n, 0);
  if (total === 0) return { runId: q.runId, totalPoints: 0, downsampled: false, bucketSize: 1, points: [] };
  const lo = Math.min(...stats.map((s) => s.lo));
  const hi = Math.max(...stats.map((s) => s.hi));
  const perModel = Math.max(...stats.map((s) => s.n));
  const bucket = perModel <= maxPoints ? 1 : bucketSizeFor(hi - lo + 1, maxPoints);
  const points = await windowMetricBuckets(db, q, lo, bucket);
  return { runId: q.runId, totalPoints: total, downsampled: bucket > 1, bucketSize: bucket, points };
}
