// The one definition of a window metric: one model's progressive-validation figures on one window. Everything that
// names its fields derives from WINDOW_METRIC_FIELDS: the worker's upsert (repositories/window-metrics.ts), the API's
// downsampled series (its SELECT and its point type), and the checks that the static files agree with it —
// prisma/schema.prisma (window-metric.test.ts; the migrations follow the schema, migrations.int.test.ts) and the
// GraphQL SDL's WindowMetric and MetricPoint types (apps/api/src/schema-window-metric.test.ts).
import type { ModelRole } from '../generated/prisma/enums.js';

/** Scalar types, named as both Prisma and GraphQL name them. */
export type WindowMetricType = 'Int' | 'Float' | 'String' | 'Boolean' | 'ModelRole';

/**
 * How a field becomes one point of a downsampled series (windows grouped into equal buckets, one point per bucket
 * and model): `group` (a key of the grouping), `span` (the bucket's first window, last window and window count),
 * `mean`, `every` (true when it holds for every window), `whenEvery` (the smallest value when every window has
 * one, else null), or null (not part of a point).
 */
export type Bucketing = 'group' | 'span' | 'mean' | 'every' | 'whenEvery' | null;

export interface WindowMetricField {
  name: string;
  type: WindowMetricType;
  /** Null allowed: NE and AUC on a one-class window, calibration without a positive (undefined, never NaN). */
  nullable: boolean;
  bucket: Bucketing;
}

/** The columns of a window metric besides its row id, run and creation time, in schema order. */
export const WINDOW_METRIC_FIELDS = [
  { name: 'window', type: 'Int', nullable: false, bucket: 'span' },
  { name: 'windowId', type: 'String', nullable: false, bucket: null },
  { name: 'model', type: 'ModelRole', nullable: false, bucket: 'group' },
  { name: 'rows', type: 'Int', nullable: false, bucket: 'mean' },
  { name: 'ne', type: 'Float', nullable: true, bucket: 'mean' },
  { name: 'logLoss', type: 'Float', nullable: false, bucket: 'mean' },
  { name: 'auc', type: 'Float', nullable: true, bucket: 'mean' },
  { name: 'calibration', type: 'Float', nullable: true, bucket: 'mean' },
  { name: 'sparsity', type: 'Float', nullable: false, bucket: 'mean' },
  { name: 'flops', type: 'Float', nullable: false, bucket: 'mean' },
  { name: 'params', type: 'Float', nullable: false, bucket: 'mean' },
  { name: 'warmup', type: 'Boolean', nullable: false, bucket: 'every' },
  /** 'one_class' or 'few_rows' when the window is left out of the run's headline figures (null: it counts). */
  { name: 'excluded', type: 'String', nullable: true, bucket: 'whenEvery' },
] as const satisfies readonly WindowMetricField[];

type Fields = (typeof WINDOW_METRIC_FIELDS)[number];
type TsOf<T extends WindowMetricType> = T extends 'Int' | 'Float' ? number : T extends 'String' ? string : T extends 'Boolean' ? boolean : ModelRole;
type Valued<F extends WindowMetricField> = F['nullable'] extends true ? TsOf<F['type']> | null : TsOf<F['type']>;

/** A window metric's values as stored (every column of WINDOW_METRIC_FIELDS). */
export type WindowMetricValues = { [F in Fields as F['name']]: Valued<F> };

/** What the worker writes: the stored values, where a nullable one may also be left undefined (stored as null). */
export type WindowMetricInput = { [F in Fields as F['nullable'] extends true ? never : F['name']]: Valued<F> } & {
  [F in Fields as F['nullable'] extends true ? F['name'] : never]?: Valued<F> | undefined;
};

/** A field of a point of a downsampled series (the GraphQL MetricPoint type, in its order). */
export interface MetricPointField {
  name: string;
  type: WindowMetricType;
  nullable: boolean;
}

/** The fields of a series point, derived from WINDOW_METRIC_FIELDS: grouping keys, the span, then the aggregates. */
export function metricPointFields(): MetricPointField[] {
  const out: MetricPointField[] = [];
  for (const f of WINDOW_METRIC_FIELDS as readonly WindowMetricField[]) {
    if (f.bucket === 'span')
      out.push({ name: f.name, type: f.type, nullable: false }, { name: `${f.name}End`, type: f.type, nullable: false }, { name: 'count', type: 'Int', nullable: false });
    else if (f.bucket === 'group' || f.bucket === 'every') out.push({ name: f.name, type: f.type, nullable: false });
    else if (f.bucket === 'mean') out.push({ name: f.name, type: 'Float', nullable: f.nullable });
    else if (f.bucket === 'whenEvery') out.push({ name: f.name, type: f.type, nullable: true });
  }
  return out;
}

type ByBucket<B extends Bucketing> = Extract<Fields, { bucket: B }>;
type Flat<T> = { [K in keyof T]: T[K] };

/** One point of a downsampled series: the mean over windows [window, windowEnd] of one model. */
export type MetricPoint = Flat<
  { [F in ByBucket<'group' | 'every'> as F['name']]: TsOf<F['type']> } & { [F in ByBucket<'span'> as F['name'] | `${F['name']}End`]: number } & { count: number } & {
    [F in ByBucket<'mean'> as F['name']]: F['nullable'] extends true ? number | null : number;
  } & { [F in ByBucket<'whenEvery'> as F['name']]: TsOf<F['type']> | null }
>;
