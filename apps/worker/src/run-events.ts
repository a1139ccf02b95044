// The runner's events of one execution, written as they happen: metrics, refreshes, serving evaluations, checkpoints
// and files to Postgres and the store, progress to the run row and the job, each followed by its pub/sub event.
import type { Job } from 'bullmq';
import { recordRunProgress, type ArtifactStore, type Db, type Run } from '@driftprune/db';
import type { RunEvent } from '@driftprune/experiment';
import type { RunEvents, RunJobData } from '@driftprune/runs';
import { storeArtifact, storeCheckpoint, upsertMetrics, upsertRefresh, upsertServing } from './persist.js';
import { retryWhileDatabaseDown } from './db-retry.js';

const PROGRESS_EVERY_MS = 1_000;

export interface RunEventSink {
  db: Db;
  store: ArtifactStore;
  events: RunEvents;
}

/**
 * The writer of one execution's events. Each event's writes wait out a database restart (db-retry.ts): they are
 * upserts, and a refresh's seq is fixed before the first try, so a write tried again keeps its key.
 */
export function runEventWriter(sink: RunEventSink, run: Run, outDir: string, job: Job<RunJobData>, log: (m: string) => void = () => {}): (e: RunEvent) => Promise<void> {
  const { db, store, events } = sink;
  const runId = run.id;
  // Refresh events are keyed by (window, seq); seq counts refreshes within a window in this execution, which a
  // deterministic replay reproduces.
  const refreshSeq = new Map<number, number>();
  let lastProgressAt = 0;
  const write = async (e: RunEvent, seq: number) => {
    switch (e.type) {
      case 'window': {
        await upsertMetrics(db, runId, e.metrics);
        for (const m of e.metrics) await events.metric({ runId, projectId: run.projectId, ...m });
        break;
      }
      case 'refresh': {
        await upsertRefresh(db, runId, seq, e.refresh);
        await events.changed(run.projectId);
        break;
      }
      case 'serving': {
        await upsertServing(db, runId, e.evals);
        for (const p of e.artifactPaths) await storeArtifact(db, store, run, outDir, p, 'onnx', e.evals[0]?.window ?? null);
        await events.changed(run.projectId);
        break;
      }
      case 'checkpoint': {
        await storeCheckpoint(db, store, run, outDir, e.path, e.window);
        await events.changed(run.projectId);
        break;
      }
      case 'progress': {
        const t = Date.now();
        if (t - lastProgressAt < PROGRESS_EVERY_MS && e.progress.fraction !== 1) break;
        lastProgressAt = t;
        await recordRunProgress(db, runId, e.progress.fraction ?? 0, e.progress, new Date());
        await job.updateProgress(e.progress.fraction ?? 0);
        await events.runUpdated(run);
        break;
      }
      case 'log':
        await job.log(`[${e.level}] ${e.message}`);
        break;
    }
  };
  return (e: RunEvent) => {
    let seq = 0;
    if (e.type === 'refresh') {
      seq = refreshSeq.get(e.refresh.window) ?? 0;
      refreshSeq.set(e.refresh.window, seq + 1);
    }
    return retryWhileDatabaseDown(db, () => write(e, seq), { log: (m) => log(`run ${runId}: ${m}`), what: `${e.type} event` });
  };
}
