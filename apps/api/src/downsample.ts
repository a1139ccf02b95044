// Server-side downsampling of a run's metric series: when a model has more than maxPoints windows, windows are
// grouped into equal buckets and each bucket becomes one point (the mean of its windows), computed in Postgres.
import { Prisma, type Db } from '@driftprune/db';
import { badInput } from './errors.js';

export interface MetricPoint {
  window: number;
  windowEnd: number;
  count: number;
  model: 'dense' | 'serving';
  rows: number;
  /** Null where no window of the point has one (one-class windows). */
  ne: number | null;
  logLoss: number;
  auc: number | null;
  calibration: number | null;
  sparsity: number;
  flops: number;
  params: number;
  warmup: boolean;
  /** The reason when every window of the point is left out of the headline figures. */
  excluded: string | null;
}

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
  const conds = [Prisma.sql`"runId" = ${q.runId}::uuid`];
  if (q.model) conds.push(Prisma.sql`"model" = ${q.model}::"ModelRole"`);
  if (q.fromWindow != null) conds.push(Prisma.sql`"window" >= ${q.fromWindow}`);
  if (q.toWindow != null) conds.push(Prisma.sql`"window" <= ${q.toWindow}`);
  const where = Prisma.join(conds, ' AND ');
  // Per-model counts and the window span first (index-only on (runId, window, model)), then one GROUP BY pass.
  const stats = await db.$queryRaw<{ n: bigint; lo: number; hi: number }[]>`
    SELECT count(*) AS n, min("window") AS lo, max("window") AS hi FROM "WindowMetric" WHERE ${where} GROUP BY "model"`;
  const total = stats.reduce((a, s) => a + Number(s.n), 0);
  if (total === 0) return { runId: q.runId, totalPoints: 0, downsampled: false, bucketSize: 1, points: [] };
  const lo = Math.min(...stats.map((s) => s.lo));
  const hi = Math.max(...stats.map((s) => s.hi));
  const perModel = Math.max(...stats.map((s) => Number(s.n)));
  const bucket = perModel <= maxPoints ? 1 : bucketSizeFor(hi - lo + 1, maxPoints);
  // Sorted by the enum column rather than its text (output) alias: an integer compare instead of a collation sort.
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT "model"::text AS model, min("window") AS window, max("window") AS "windowEnd", count(*)::int AS count,
           avg("rows")::float8 AS rows, avg("ne") AS ne, avg("logLoss") AS "logLoss", avg("auc") AS auc,
           avg("calibration") AS calibration, avg("sparsity") AS sparsity, avg("flops") AS flops, avg("params") AS params,
           bool_and("warmup") AS warmup,
           CASE WHEN bool_and("excluded" IS NOT NULL) THEN min("excluded") END AS excluded
    FROM "WindowMetric" WHERE ${where}
    GROUP BY "model", ("window" - ${lo}::int) / ${bucket}::int
    ORDER BY "WindowMetric"."model", 2`;
  return { runId: q.runId, totalPoints: total, downsampled: bucket > 1, bucketSize: bucket, points: rows as unknown as MetricPoint[] };
}
