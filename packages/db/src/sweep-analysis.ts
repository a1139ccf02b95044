// Reads for analysing a sweep's runs (Pareto fronts, importance, parallel coordinates, early stopping): a few
// set-based queries per question, whatever the number of runs, so that 1,000 runs answer in milliseconds.
import type { PrismaClient } from '../generated/prisma/client.js';
import type { RunStatus } from '../generated/prisma/enums.js';
import type { WindowMetricValues } from './window-metric.js';

export interface AnalysisRun {
  id: string;
  name: string | null;
  status: RunStatus;
  seed: number;
  paradigm: string;
  params: unknown;
  config: unknown;
  summary: unknown;
  earlyStop: unknown;
}

/** Every run of a sweep with what analysis needs (no metrics), oldest first. */
export function sweepRunsForAnalysis(db: PrismaClient, sweepId: string): Promise<AnalysisRun[]> {
  return db.run.findMany({
    where: { sweepId },
    select: { id: true, name: true, status: true, seed: true, paradigm: true, params: true, config: true, summary: true, earlyStop: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

export interface ServingLatency {
  runId: string;
  batchSize: number;
  window: number;
  p50Ms: number;
  p99Ms: number;
}

/** The serving model's last evaluation per run and batch size (one query). */
export async function lastServingLatencies(db: PrismaClient, runIds: readonly string[]): Promise<ServingLatency[]> {
  if (!runIds.length) return [];
  return db.$queryRaw<ServingLatency[]>`
    SELECT DISTINCT ON ("runId", "batchSize") "runId"::text AS "runId", "batchSize", "window", "p50Ms", "p99Ms"
    FROM "ServingEvaluation"
    WHERE "runId" = ANY(${runIds as string[]}::uuid[]) AND "model" = 'serving'
    ORDER BY "runId", "batchSize", "window" DESC`;
}

/** Mean serving FLOPs per example over each run's evaluation windows (not warm-up, not left out). */
export async function meanServingFlops(db: PrismaClient, runIds: readonly string[]): Promise<Map<string, number>> {
  if (!runIds.length) return new Map();
  const rows = await db.$queryRaw<{ runId: string; flops: number }[]>`
    SELECT "runId"::text AS "runId", avg("flops")::float8 AS flops
    FROM "WindowMetric"
    WHERE "runId" = ANY(${runIds as string[]}::uuid[]) AND "model" = 'serving' AND NOT "warmup" AND "excluded" IS NULL
    GROUP BY "runId"`;
  return new Map(rows.map((r) => [r.runId, r.flops]));
}

/** Types from the window-metric definition (window-metric.ts). */
export type WindowNeRow = { runId: string } & Pick<WindowMetricValues, 'window' | 'model' | 'ne' | 'warmup' | 'excluded'>;

/**
 * NE rows of windows ≤ upTo of the sweep's runs that reached window `reached` (they have a row there), other than
 * `exceptRunId`: what an early-stopping rule compares a run with. One query.
 */
export function peerWindowNe(db: PrismaClient, sweepId: string, reached: number, exceptRunId: string): Promise<WindowNeRow[]> {
  return db.$queryRaw<WindowNeRow[]>`
    SELECT m."runId"::text AS "runId", m."window", m."model"::text AS "model", m."ne", m."warmup", m."excluded"
    FROM "WindowMetric" m
    JOIN "Run" r ON r.id = m."runId"
    WHERE r."sweepId" = ${sweepId}::uuid AND r.id <> ${exceptRunId}::uuid AND m."window" <= ${reached}
      AND EXISTS (SELECT 1 FROM "WindowMetric" x WHERE x."runId" = r.id AND x."window" = ${reached})`;
}

/** One run's NE rows of windows ≤ upTo. */
export function runWindowNe(db: PrismaClient, runId: string, upTo: number): Promise<WindowNeRow[]> {
  return db.$queryRaw<WindowNeRow[]>`
    SELECT "runId"::text AS "runId", "window", "model"::text AS "model", "ne", "warmup", "excluded"
    FROM "WindowMetric" WHERE "runId" = ${runId}::uuid AND "window" <= ${upTo}`;
}

/** The compare view's columns of a window metric (a chosen subset; types from window-metric.ts). */
export type CompareRow = { runId: string } & Pick<WindowMetricValues, 'window' | 'model' | 'rows' | 'ne' | 'logLoss' | 'auc' | 'sparsity' | 'flops' | 'warmup' | 'excluded'>;

/** Every window metric of these runs, by run, window and model. */
export function windowMetricsOf(db: PrismaClient, runIds: readonly string[]): Promise<CompareRow[]> {
  if (!runIds.length) return Promise.resolve([]);
  return db.$queryRaw<CompareRow[]>`
    SELECT "runId"::text AS "runId", "window", "model"::text AS "model", "rows", "ne", "logLoss", "auc", "sparsity", "flops", "warmup", "excluded"
    FROM "WindowMetric" WHERE "runId" = ANY(${runIds as string[]}::uuid[])
    ORDER BY "window", "runId", "model"`;
}
