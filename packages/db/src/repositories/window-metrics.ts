// Window metrics: the worker's upsert and the API's downsampled series. Columns, casts and aggregates all come from
// WINDOW_METRIC_FIELDS, so a new metric is one line there (plus the schema, migration and SDL its tests check).
import { Prisma } from '../../generated/prisma/client.js';
import type { ModelRole } from '../../generated/prisma/enums.js';
import type { DbClient } from '../client.js';
import { WINDOW_METRIC_FIELDS, type MetricPoint, type WindowMetricField, type WindowMetricInput, type WindowMetricType } from '../window-metric.js';

const FIELDS: readonly WindowMetricField[] = WINDOW_METRIC_FIELDS;
/** The unique key of a window metric besides its run (@@unique([runId, window, model])): a replay overwrites. */
export const WINDOW_METRIC_KEY = ['window', 'model'] as const;

const SQL_TYPE: Record<WindowMetricType, string> = { Int: 'int4', Float: 'float8', String: 'text', Boolean: 'boolean', ModelRole: '"ModelRole"' };
// Field names are the constant list's, never input: safe to quote as identifiers.
const col = (name: string) => Prisma.raw(`"${name}"`);

/** Inserts a run's window metrics, overwriting the rows of a window replayed after a crash or a retry. */
export async function upsertWindowMetrics(db: DbClient, runId: string, metrics: readonly WindowMetricInput[]): Promise<void> {
  if (!metrics.length) return;
  const values = metrics.map((m) => {
    const row = m as unknown as Record<string, unknown>;
    // a nullable value left undefined (ne/auc/calibration of a one-class window, a counted window's `excluded`) is null
    const cells = FIELDS.map((f) => Prisma.sql`${f.nullable ? (row[f.name] ?? null) : row[f.name]}::${Prisma.raw(SQL_TYPE[f.type])}`);
    return Prisma.sql`(${runId}::uuid, ${Prisma.join(cells)})`;
  });
  const keys = new Set<string>(WINDOW_METRIC_KEY);
  const updates = FIELDS.filter((f) => !keys.has(f.name)).map((f) => Prisma.sql`${col(f.name)} = EXCLUDED.${col(f.name)}`);
  await db.$executeRaw`
    INSERT INTO "WindowMetric" ("runId", ${Prisma.join(FIELDS.map((f) => col(f.name)))})
    VALUES ${Prisma.join(values)}
    ON CONFLICT ("runId", ${Prisma.join(WINDOW_METRIC_KEY.map(col))}) DO UPDATE SET ${Prisma.join(updates)}, "createdAt" = now()`;
}

export interface WindowMetricFilter {
  runId: string;
  model?: ModelRole | null;
  fromWindow?: number | null;
  toWindow?: number | null;
}

function whereOf(q: WindowMetricFilter): Prisma.Sql {
  const conds = [Prisma.sql`"runId" = ${q.runId}::uuid`];
  if (q.model) conds.push(Prisma.sql`"model" = ${q.model}::"ModelRole"`);
  if (q.fromWindow != null) conds.push(Prisma.sql`"window" >= ${q.fromWindow}`);
  if (q.toWindow != null) conds.push(Prisma.sql`"window" <= ${q.toWindow}`);
  return Prisma.join(conds, ' AND ');
}

export interface WindowMetricSpan {
  /** Windows of one model within the filter. */
  n: number;
  lo: number;
  hi: number;
}

/** Per model: how many windows match and their first and last window (index-only on (runId, window, model)). */
export async function windowMetricSpans(db: DbClient, q: WindowMetricFilter): Promise<WindowMetricSpan[]> {
  const rows = await db.$queryRaw<{ n: bigint; lo: number; hi: number }[]>`
    SELECT count(*) AS n, min("window") AS lo, max("window") AS hi FROM "WindowMetric" WHERE ${whereOf(q)} GROUP BY "model"`;
  return rows.map((r) => ({ n: Number(r.n), lo: r.lo, hi: r.hi }));
}

function aggregates(f: WindowMetricField): Prisma.Sql[] {
  const c = col(f.name);
  switch (f.bucket) {
    case 'group':
      return [Prisma.sql`${c}::text AS ${c}`];
    case 'span':
      return [Prisma.sql`min(${c}) AS ${c}`, Prisma.sql`max(${c}) AS ${col(`${f.name}End`)}`, Prisma.sql`count(*)::int AS "count"`];
    case 'mean':
      return [Prisma.sql`avg(${c})::float8 AS ${c}`];
    case 'every':
      return [Prisma.sql`bool_and(${c}) AS ${c}`];
    case 'whenEvery':
      return [Prisma.sql`CASE WHEN bool_and(${c} IS NOT NULL) THEN min(${c}) END AS ${c}`];
    default:
      return [];
  }
}
// grouping keys first, then the window span: the sort below names the span's first window by its position (2)
const SELECT = Prisma.join([...FIELDS.filter((f) => f.bucket === 'group'), ...FIELDS.filter((f) => f.bucket !== 'group')].flatMap(aggregates));

/**
 * The matching windows grouped per model into buckets of `bucket` consecutive windows counted from `firstWindow`:
 * one point per bucket and model, sorted by model, then window.
 */
export async function windowMetricBuckets(db: DbClient, q: WindowMetricFilter, firstWindow: number, bucket: number): Promise<MetricPoint[]> {
  // Sorted by the enum column rather than its text (output) alias: an integer compare instead of a collation sort.
  return db.$queryRaw<MetricPoint[]>`
    SELECT ${SELECT}
    FROM "WindowMetric" WHERE ${whereOf(q)}
    GROUP BY "model", ("window" - ${firstWindow}::int) / ${bucket}::int
    ORDER BY "WindowMetric"."model", 2`;
}
