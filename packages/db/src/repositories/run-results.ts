// What a run produces besides its window metrics: refresh events, serving evaluations and stored files (artifacts).
// Every write is an upsert on a natural key, so that a window replayed after a crash or a retry overwrites its rows.
import type { Artifact, ArtifactKind, ModelRole, RefreshEvent, ServingEvaluation } from '../../generated/prisma/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { DbClient } from '../client.js';

export interface RefreshEventInput {
  window: number;
  seq: number;
  trigger: string;
  widths: Record<string, number>;
  jaccard: number;
  flopsRatio: number;
}

export async function upsertRefreshEvent(db: DbClient, runId: string, r: RefreshEventInput): Promise<void> {
  const data = { trigger: r.trigger, widths: r.widths as Prisma.InputJsonValue, jaccard: r.jaccard, flopsRatio: r.flopsRatio };
  await db.refreshEvent.upsert({ where: { runId_window_seq: { runId, window: r.window, seq: r.seq } }, create: { runId, window: r.window, seq: r.seq, ...data }, update: data });
}

export interface ServingEvaluationInput {
  window: number;
  model: ModelRole;
  batchSize: number;
  p50Ms: number;
  p99Ms: number;
  samplesPerSec: number;
  parityMaxAbsDiff: number;
}

export async function upsertServingEvaluation(db: DbClient, runId: string, e: ServingEvaluationInput): Promise<void> {
  const data = { p50Ms: e.p50Ms, p99Ms: e.p99Ms, samplesPerSec: e.samplesPerSec, parityMaxAbsDiff: e.parityMaxAbsDiff };
  await db.servingEvaluation.upsert({
    where: { runId_window_model_batchSize: { runId, window: e.window, model: e.model, batchSize: e.batchSize } },
    create: { runId, window: e.window, model: e.model, batchSize: e.batchSize, ...data },
    update: data,
  });
}

export function refreshEventsOfRun(db: DbClient, runId: string): Promise<RefreshEvent[]> {
  return db.refreshEvent.findMany({ where: { runId }, orderBy: [{ window: 'asc' }, { seq: 'asc' }] });
}

export function servingEvaluationsOfRun(db: DbClient, runId: string): Promise<ServingEvaluation[]> {
  return db.servingEvaluation.findMany({ where: { runId }, orderBy: [{ window: 'asc' }, { model: 'asc' }, { batchSize: 'asc' }] });
}

export interface ArtifactInput {
  projectId: string;
  runId: string;
  name: string;
  kind: ArtifactKind;
  key: string;
  sha256: string;
  sizeBytes: number;
  window: number | null;
}

/** Records a stored file under (run, name). Fails with P2003 when the run no longer exists. */
export async function upsertArtifact(db: DbClient, a: ArtifactInput): Promise<void> {
  const data = { kind: a.kind, key: a.key, sha256: a.sha256, sizeBytes: BigInt(a.sizeBytes), window: a.window };
  await db.artifact.upsert({ where: { runId_name: { runId: a.runId, name: a.name } }, create: { projectId: a.projectId, runId: a.runId, name: a.name, ...data }, update: data });
}

export function artifactById(db: DbClient, id: string): Promise<Artifact | null> {
  return db.artifact.findUnique({ where: { id } });
}

/** How many stored files the runs of `runIds` have. */
export function artifactCountOfRuns(db: DbClient, runIds: readonly string[]): Promise<number> {
  return db.artifact.count({ where: { runId: { in: [...runIds] } } });
}

export function artifactsOfRun(db: DbClient, runId: string): Promise<Artifact[]> {
  return db.artifact.findMany({ where: { runId }, orderBy: { createdAt: 'asc' } });
}

/** The files of the run's checkpoint of one window. */
export function checkpointFiles(db: DbClient, runId: string, window: number): Promise<Artifact[]> {
  return db.artifact.findMany({ where: { runId, kind: 'checkpoint', window } });
}

/** The windows of the run's checkpoints older than `window` (one entry per file). */
export async function checkpointWindowsBefore(db: DbClient, runId: string, window: number): Promise<number[]> {
  const rows = await db.artifact.findMany({ where: { runId, kind: 'checkpoint', window: { lt: window } }, select: { window: true } });
  return rows.map((a) => a.window!);
}

export async function deleteCheckpointsBefore(db: DbClient, runId: string, window: number): Promise<void> {
  await db.artifact.deleteMany({ where: { runId, kind: 'checkpoint', window: { lt: window } } });
}
