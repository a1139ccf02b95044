// A worker's live state, for the API's workers query and /metrics: what it carries (labels, queues), how loaded its
// host is, whether it drains. Written by the worker with its heartbeat into one Redis key that expires when beats
// stop, so a dead worker's state disappears by itself; the Worker row in Postgres keeps its identity and history.

export interface WorkerLiveState {
  /** The labels it carries, its backend included (cpu, or webgpu and cpu). */
  labels: string[];
  /** The run queues it consumes now. */
  queues: string[];
  /** Runs executing now, and the most it runs at once. */
  busy: number;
  concurrency: number;
  /** Set once it was asked to drain (ms since epoch): it takes no new runs and lets its runs finish. */
  drainingSince: number | null;
  /** 1-minute load average of its host, and its host's CPU count. */
  load1: number;
  cpus: number;
  memTotalMb: number;
  memFreeMb: number;
  /** Resident memory of the worker process itself (its runs' child processes not included). */
  rssMb: number;
  /** When this state was written (ms since epoch). */
  at: number;
}

export const workerStateKey = (prefix: string, workerId: string) => `${prefix}:worker-state:${workerId}`;

/** The state key outlives a few missed beats, then expires. */
export function workerStateTtlMs(heartbeatMs: number): number {
  return Math.max(3 * heartbeatMs, 15_000);
}

export function parseWorkerState(raw: string | null | undefined): WorkerLiveState | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<WorkerLiveState>;
    if (!s || typeof s !== 'object' || !Array.isArray(s.labels) || !Array.isArray(s.queues) || typeof s.at !== 'number') return null;
    return {
      labels: s.labels.filter((l): l is string => typeof l === 'string'),
      queues: s.queues.filter((l): l is string => typeof l === 'string'),
      busy: Number(s.busy) || 0,
      concurrency: Number(s.concurrency) || 0,
      drainingSince: typeof s.drainingSince === 'number' ? s.drainingSince : null,
      load1: Number(s.load1) || 0,
      cpus: Number(s.cpus) || 0,
      memTotalMb: Number(s.memTotalMb) || 0,
      memFreeMb: Number(s.memFreeMb) || 0,
      rssMb: Number(s.rssMb) || 0,
      at: s.at,
    };
  } catch {
    return null;
  }
}
