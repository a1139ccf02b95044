// From the API's run objects to the table's rows: every resolved config value becomes a filterable parameter and the
// run summary's numbers become metric columns, next to when it was created and how long it ran.
import { flattenConfig, type RunRow } from '../../lib/runs/table.js';

export const SUMMARY_METRICS = [
  { key: 'meanDeltaNEPct', label: 'mean ΔNE %', title: 'mean over evaluated windows of 100 × (NE serving / NE dense − 1); positive = the pruned serving model predicts worse' },
  { key: 'maxDeltaNEPct', label: 'max ΔNE %', title: 'largest per-window ΔNE %' },
  { key: 'servingFlopsRatio', label: 'serving FLOPs ×', title: 'serving model FLOPs / dense FLOPs' },
  { key: 'servingParamsRatio', label: 'serving params ×', title: 'serving model parameters / dense parameters' },
  { key: 'servingSpeedup', label: 'speed-up × (p50, largest batch)', title: 'dense p50 latency / sparse p50 latency at the largest batch size, last evaluated window; below 1 is a slow-down' },
  { key: 'refreshes', label: 'refreshes', title: 'refreshes of the serving model' },
  { key: 'wallSec', label: 'wall s', title: 'wall-clock seconds of the run' },
] as const;

/** Metric columns shown before the picker is touched (the others are one click away). */
export const DEFAULT_METRICS = ['meanDeltaNEPct', 'servingFlopsRatio', 'servingSpeedup'];

export interface ApiRun {
  id: string;
  name?: string;
  tags?: readonly string[];
  status: string;
  progress: number;
  seed: number;
  config: unknown;
  summary?: unknown;
  params?: unknown;
  createdAt?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  earlyStop?: { reason: string } | null;
  error?: string | null;
}

/** Seconds between start and finish (or now, for a running run); null before it starts. */
export function runDurationSec(r: Pick<ApiRun, 'startedAt' | 'finishedAt'>, now = Date.now()): number | null {
  if (!r.startedAt) return null;
  const end = r.finishedAt ? Date.parse(r.finishedAt) : now;
  const s = (end - Date.parse(r.startedAt)) / 1000;
  return Number.isFinite(s) && s >= 0 ? s : null;
}

/** The name the API derives from what the run's sweep point varies (or a person gave it). */
export function fallbackName(r: ApiRun): string {
  const cfg = (r.config ?? {}) as Record<string, unknown>;
  const swept = Object.entries((r.params ?? {}) as Record<string, unknown>)
    .filter(([k]) => k !== 'seed')
    .map(([k, v]) => `${k.split('.').pop()}=${String(v)}`);
  return [typeof cfg.name === 'string' ? cfg.name : 'run', ...swept, `seed ${r.seed}`].join(' · ');
}

export function toRunRow(r: ApiRun): RunRow {
  const cfg = (r.config ?? {}) as Record<string, unknown>;
  const summary = (r.summary ?? {}) as Record<string, unknown>;
  const metrics: Record<string, number | null> = {
    progress: r.progress,
    createdMs: r.createdAt ? Date.parse(r.createdAt) : null,
    durationSec: runDurationSec(r),
  };
  for (const m of SUMMARY_METRICS) {
    const v = summary[m.key];
    metrics[m.key] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  return {
    id: r.id,
    name: r.name || fallbackName(r),
    status: r.status,
    // Why it ended where it did: the early-stopping rule's reason, or a failed run's error.
    statusNote: r.earlyStop?.reason ?? (r.status === 'failed' && r.error ? r.error : undefined),
    tags: [...(r.tags ?? [])],
    params: { ...flattenConfig(cfg), seed: r.seed },
    metrics,
  };
}
