// A run's log as the API records it: queueing, start, every refresh, every stored file (checkpoints, ONNX models,
// reports) and the end, in time order. (The runner's free-text log lines stay in the queue's job log.)

export interface TimelineInput {
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  status: string;
  error: string | null;
  attempts: number;
  refreshes: readonly { window: number; seq: number; trigger: string; jaccard: number; flopsRatio: number; createdAt: string }[];
  artifacts: readonly { kind: string; name: string; window: number | null; createdAt: string; sizeBytes: number }[];
}

export interface TimelineEntry {
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export function runTimeline(r: TimelineInput): TimelineEntry[] {
  const out: TimelineEntry[] = [{ at: r.queuedAt, level: 'info', message: 'queued' }];
  if (r.startedAt) out.push({ at: r.startedAt, level: 'info', message: r.attempts > 1 ? `started (attempt ${r.attempts})` : 'started' });
  for (const f of r.refreshes)
    out.push({
      at: f.createdAt,
      level: 'info',
      message: `refresh at window ${f.window}${f.seq ? `.${f.seq}` : ''} (${f.trigger}): FLOPs kept ${(f.flopsRatio * 100).toFixed(1)} %, mask Jaccard ${f.jaccard.toFixed(3)}`,
    });
  for (const a of r.artifacts)
    out.push({ at: a.createdAt, level: 'info', message: `stored ${a.kind} ${a.name}${a.window !== null ? ` (window ${a.window})` : ''}, ${a.sizeBytes} bytes` });
  if (r.finishedAt) {
    const level = r.status === 'failed' ? 'error' : r.status === 'cancelled' ? 'warn' : 'info';
    out.push({ at: r.finishedAt, level, message: r.error ? `${r.status}: ${r.error}` : r.status });
  } else if (r.error) out.push({ at: r.startedAt ?? r.queuedAt, level: 'warn', message: `last attempt failed: ${r.error}` });
  // Stable by time: events written in the same millisecond keep their kind order.
  return out.map((e, i) => ({ e, i })).sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.i - b.i).map((x) => x.e);
}
