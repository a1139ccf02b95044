// Writing the runner's events to Postgres. Every write is an upsert on a natural key, so that a window replayed
// after a crash or a retry overwrites its rows instead of duplicating them.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  checkpointFiles,
  checkpointWindowsBefore,
  deleteCheckpointsBefore,
  isMissingReference,
  isRowNotFound,
  recordRunCheckpoint,
  runArtifactKey,
  runArtifactPrefix,
  runExists,
  upsertArtifact,
  upsertRefreshEvent,
  upsertServingEvaluation,
  upsertWindowMetrics,
  type ArtifactKind,
  type ArtifactStore,
  type Db,
} from '@driftprune/db';
import type { RefreshEvent, ServingEval, WindowMetric } from '@driftprune/experiment';

export async function upsertMetrics(db: Db, runId: string, metrics: WindowMetric[]): Promise<void> {
  // ne, auc and calibration are null on a one-class window (undefined, not NaN); `excluded` says why.
  await upsertWindowMetrics(db, runId, metrics);
}

/** JSON cannot carry NaN/Infinity (e.g. the Jaccard of a first mask computed as 0/0): store them as null-free numbers. */
const finite = (x: number, fallback = 0) => (Number.isFinite(x) ? x : fallback);

export async function upsertRefresh(db: Db, runId: string, seq: number, r: RefreshEvent): Promise<void> {
  await upsertRefreshEvent(db, runId, { window: r.window, seq, trigger: r.trigger, widths: r.widths, jaccard: finite(r.jaccard, 1), flopsRatio: finite(r.flopsRatio, 1) });
}

export async function upsertServing(db: Db, runId: string, evals: ServingEval[]): Promise<void> {
  for (const e of evals)
    await upsertServingEvaluation(db, runId, { window: e.window, model: e.model, batchSize: e.batchSize, p50Ms: e.p50Ms, p99Ms: e.p99Ms, samplesPerSec: e.samplesPerSec, parityMaxAbsDiff: finite(e.parityMaxAbsDiff, -1) });
}

/**
 * The run was deleted (deleteExperiment) while the worker was still writing for it. Not a failure: the worker stops
 * the run without retrying it.
 */
export class RunDeletedError extends Error {
  constructor(
    readonly runId: string,
    /** Files of the run removed from the store after the failed write (those stored after the API's cleanup). */
    readonly removedFiles: number,
  ) {
    super(`run ${runId} was deleted while it ran`);
    this.name = 'RunDeletedError';
  }
}

/**
 * Called when a write for a run failed. If the run no longer exists (the write failed on the foreign key, P2003, or
 * found no row, P2025), its store folder — with the file just put, which no row will ever point to — is removed and
 * a RunDeletedError thrown. Otherwise it returns and the caller rethrows the original error.
 */
async function throwIfRunDeleted(db: Db, store: ArtifactStore, run: { id: string; projectId: string }, cause: unknown): Promise<void> {
  if (!(isMissingReference(cause) || isRowNotFound(cause))) return;
  if (await runExists(db, run.id)) return;
  throw new RunDeletedError(run.id, await store.deletePrefix(runArtifactPrefix(run.projectId, run.id)));
}

/**
 * Copies one file of the run's output folder to the store and records it (sha256, size) under `name` (by default
 * its path relative to outDir). The file is put before its row is written: deleteExperiment deletes the rows before
 * the store folders, so a file put after that cleanup always meets a failed insert here and is removed again.
 */
export async function storeArtifact(db: Db, store: ArtifactStore, run: { id: string; projectId: string }, outDir: string, path: string, kind: ArtifactKind, window: number | null, name = relative(outDir, path).split('\\').join('/')): Promise<void> {
  const key = runArtifactKey(run.projectId, run.id, name);
  const put = await store.putFile(key, path);
  try {
    await upsertArtifact(db, { projectId: run.projectId, runId: run.id, name, kind, key, sha256: put.sha256, sizeBytes: put.sizeBytes, window });
  } catch (e) {
    await throwIfRunDeleted(db, store, run, e);
    throw e;
  }
}

/** Checkpoints are stored per window (checkpoints/w0005/<path in outDir>), so a half-copied one never mixes windows. */
export function checkpointName(window: number, relPath: string): string {
  return `checkpoints/w${String(window).padStart(6, '0')}/${relPath}`;
}

/** Copies a checkpoint folder to the store; only once every file is there does it become the run's resume point. */
export async function storeCheckpoint(db: Db, store: ArtifactStore, run: { id: string; projectId: string }, outDir: string, dir: string, window: number): Promise<void> {
  for (const f of await filesUnder(dir)) await storeArtifact(db, store, run, outDir, f, 'checkpoint', window, checkpointName(window, relative(outDir, f).split('\\').join('/')));
  try {
    await recordRunCheckpoint(db, run.id, window);
  } catch (e) {
    await throwIfRunDeleted(db, store, run, e);
    throw e;
  }
  // older checkpoints are no longer needed
  for (const w of new Set(await checkpointWindowsBefore(db, run.id, window))) await store.deletePrefix(runArtifactKey(run.projectId, run.id, `checkpoints/w${String(w).padStart(6, '0')}`));
  await deleteCheckpointsBefore(db, run.id, window);
}

export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

/** The run's last complete checkpoint, from the store into outDir (a worker on another host, or a wiped folder). */
export async function restoreCheckpoint(db: Db, store: ArtifactStore, runId: string, window: number, outDir: string): Promise<number> {
  const files = await checkpointFiles(db, runId, window);
  for (const f of files) await store.download(f.key, join(outDir, ...f.name.split('/').slice(2)));
  return files.length;
}
