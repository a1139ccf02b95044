// A dataset's statistics as stored on its row and shown by the dashboard: totals, and per window the rows, label
// rate, new-id share and drift (the data package's stream statistics, without per-field detail).
import { csvMapping, dataConfig, parseConfig, windowRule, type CsvMapping } from '@driftprune/config';
import { computeStats, openStream } from '@driftprune/data';

/** Kinds a single uploaded file can hold (MovieLens needs several files side by side: use a data root). */
export const UPLOADABLE_KINDS = ['csv', 'criteo', 'avazu'] as const;
export type UploadableKind = (typeof UPLOADABLE_KINDS)[number];

/** Per-window rows kept on the row; longer streams keep the first ones (totals still cover every window). */
export const MAX_STORED_WINDOWS = 5_000;

export interface StoredDatasetStats {
  schema: { dense: string[]; categorical: string[] };
  totals: { windows: number; rows: number; positives: number; labelRate: number; badRows: number };
  windows: { index: number; id: string; rows: number; badRows: number; labelRate: number; newIdRowShare: number; psi: number | null; densePsi: number | null }[];
  windowsTruncated: boolean;
  window: string;
  elapsedMs: number;
}

/** The stats window when none is given: by day where the source has time, else fixed row counts. */
export function defaultStatsWindow(kind: string, mapping: CsvMapping | null): string {
  if (kind === 'csv' && !mapping?.time) return 'rows:100000';
  if (kind === 'criteo') return 'rows:100000';
  return 'day';
}

/** The csv mapping of a dataset, validated; null for the other kinds. */
export function datasetMapping(kind: string, mapping: unknown): CsvMapping | null {
  return kind === 'csv' ? parseConfig(csvMapping, mapping ?? {}, 'csv mapping') : null;
}

/** Reads the whole file once through the data package (a DataError when the sources reject it). */
export async function computeDatasetStats(kind: UploadableKind, mapping: CsvMapping | null, path: string, window: string): Promise<StoredDatasetStats> {
  const rule = parseConfig(windowRule, window, 'stats window');
  const data = parseConfig(dataConfig, { source: kind, path, window: rule, ...(mapping ? { csv: mapping } : {}) }, 'dataset');
  const t0 = performance.now();
  const stream = await openStream(data, { trackCollisions: false });
  const s = await computeStats(stream);
  return {
    schema: { dense: s.schema.denseNames, categorical: s.schema.fieldNames },
    totals: s.totals,
    windows: s.windows.slice(0, MAX_STORED_WINDOWS).map((w) => ({
      index: w.index,
      id: w.id,
      rows: w.rows,
      badRows: w.badRows,
      labelRate: w.labelRate,
      newIdRowShare: w.newIdRowShare,
      psi: w.psi,
      densePsi: w.densePsi,
    })),
    windowsTruncated: s.windows.length > MAX_STORED_WINDOWS,
    window: rule,
    elapsedMs: Math.round(performance.now() - t0),
  };
}
