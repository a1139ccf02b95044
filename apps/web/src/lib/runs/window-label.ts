// The words beside a run's progress bar. A running run is "in" its window; a run that ended early (cancelled, failed,
// stopped by a rule) "stopped in" it, so "window 1 of 6" never sits beside a bar at 3 % as if the run were still there.
export interface WindowProgress {
  /** The window the run was last in (0-based), as the worker reported it. */
  window?: number;
  windows?: number | null;
}

export function windowLabel(status: string, info: WindowProgress | null | undefined): string | null {
  if (info?.window === undefined) return null;
  const of = info.windows ? ` of ${info.windows}` : '';
  const n = info.window + 1;
  if (status === 'succeeded') return info.windows ? `${info.windows} windows` : `${n} windows`;
  if (status === 'cancelled' || status === 'failed') return `stopped in window ${n}${of}`;
  return `window ${n}${of}`;
}
