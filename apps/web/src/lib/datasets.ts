// Reads a dataset's stored statistics (the data package's StreamStats, kept as JSON by the API) defensively: a
// missing or partial field shows as "—" rather than breaking the page.

export interface DatasetWindow {
  index: number;
  id: string;
  rows: number;
  badRows: number;
  labelRate: number | null;
  newIdRowShare: number | null;
  psi: number | null;
  densePsi: number | null;
}

export interface DatasetStats {
  totals: { windows: number; rows: number; labelRate: number | null; badRows: number };
  windows: DatasetWindow[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function readDatasetStats(stats: unknown): DatasetStats | null {
  if (!stats || typeof stats !== 'object') return null;
  const s = stats as { windows?: unknown; totals?: Record<string, unknown> };
  const windows: DatasetWindow[] = Array.isArray(s.windows)
    ? s.windows.map((w: Record<string, unknown>, i) => ({
        index: num(w.index) ?? i,
        id: typeof w.id === 'string' ? w.id : String(i),
        rows: num(w.rows) ?? 0,
        badRows: num(w.badRows) ?? 0,
        labelRate: num(w.labelRate),
        newIdRowShare: num(w.newIdRowShare),
        psi: num(w.psi),
        densePsi: num(w.densePsi),
      }))
    : [];
  const t = s.totals ?? {};
  return {
    totals: {
      windows: num(t.windows) ?? windows.length,
      rows: num(t.rows) ?? windows.reduce((n, w) => n + w.rows, 0),
      labelRate: num(t.labelRate),
      badRows: num(t.badRows) ?? windows.reduce((n, w) => n + w.badRows, 0),
    },
    windows,
  };
}
