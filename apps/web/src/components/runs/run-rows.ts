// From the API's run objects to the table's rows: every resolved config value becomes a filterable parameter and the
// run summary's numbers become metric columns.
import { flattenConfig, type RunRow } from '../../lib/runs/table.js';

export const SUMMARY_METRICS = [
  { key: 'meanDeltaNEPct', label: 'mean ΔNE %' },
  { key: 'maxDeltaNEPct', label: 'max ΔNE %' },
  { key: 'servingFlopsRatio', label: 'serving FLOPs ×' },
  { key: 'servingParamsRatio', label: 'serving params ×' },
  { key: 'servingSpeedup', label: 'speed-up ×' },
  { key: 'refreshes', label: 'refreshes' },
  { key: 'wallSec', label: 'wall s' },
] as const;

export interface ApiRun {
  id: string;
  status: string;
  progress: number;
  seed: number;
  config: unknown;
  summary?: unknown;
  params?: unknown;
}

export function toRunRow(r: ApiRun): RunRow {
  const cfg = (r.config ?? {}) as Record<string, unknown>;
  const summary = (r.summary ?? {}) as Record<string, unknown>;
  const metrics: Record<string, number | null> = { progress: r.progress };
  for (const m of SUMMARY_METRICS) {
    const v = summary[m.key];
    metrics[m.key] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  // A sweep's runs share a name: their swept parameters tell them apart.
  const swept = Object.entries((r.params ?? {}) as Record<string, unknown>)
    .filter(([k]) => k !== 'seed')
    .map(([k, v]) => `${k.split('.').pop()}=${String(v)}`);
  return {
    id: r.id,
    name: [typeof cfg.name === 'string' ? cfg.name : 'run', ...swept, `seed ${r.seed}`].join(' · '),
    status: r.status,
    params: { ...flattenConfig(cfg), seed: r.seed },
    metrics,
  };
}
