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
  ne: number;
  logLoss: number;
  auc: number;
  calibration: number;
  sparsity: number;
  flops: number;
  params: number;
  warmup: boolean;
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
  // One statement: the span and per-model counts decide the bucket width, then rows are averaged per bucket.
  const rows = await db.$queryRaw<(MetricPoint & { total: bigint; bucket: number })[]>`
    WITH m AS (SELECT * FROM "WindowMetric" WHERE ${where}),
    stats AS (
      SELECT (SELECT count(*) FROM m) AS total, (SELECT min("window") FROM m) AS lo, (SELECT max("window") FROM m) AS hi,
             (SELECT max(c) FROM (SELECT count(*) AS c FROM m GROUP BY "model") t) AS per_model
    ),
    b AS (
      SELECT total, lo, CASE WHEN per_model <= ${maxPoints}::int THEN 1 ELSE ceil((hi - lo + 1)::float8 / ${maxPoints}::int)::int END AS bucket FROM stats
    )
    SELECT "model"::text AS model, min("window") AS window, max("window") AS "windowEnd", count(*)::int AS count,
           avg("rows")::float8 AS rows, avg("ne") AS ne, avg("logLoss") AS "logLoss", avg("auc") AS auc,
           avg("calibration") AS calibration, avg("sparsity") AS sparsity, avg("flops") AS flops, avg("params") AS params,
           bool_and("warmup") AS warmup, min(b.total) AS total, min(b.bucket) AS bucket
    FROM m CROSS JOIN b
    GROUP BY "model", ("window" - b.lo) / b.bucket
    ORDER BY "model", min("window")`;
  if (rows.length === 0) return { runId: q.runId, totalPoints: 0, downsampled: false, bucketSize: 1, points: [] };
  const total = Number(rows[0].total);
  const bucket = rows[0].bucket;
  const points = rows.map(({ total: _t, bucket: _b, ...p }) => p);
  return { runId: q.runId, totalPoints: total, downsampled: bucket > 1, bucketSize: bucket, points };
}
