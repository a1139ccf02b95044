// The runs table's logic, kept apart from React so that it can be tested on its own: flatten each run's config into
// dotted parameters, filter by any parameter and status, sort by any column, and group by a parameter.
import { meanStd, type MeanStd } from './stats.js';

export type Scalar = string | number | boolean | null;

/** Flattens a nested config into `dotted.path → scalar`; arrays become their JSON text ("[512,256]"). */
export function flattenConfig(value: unknown, prefix = '', out: Record<string, Scalar> = {}): Record<string, Scalar> {
  if (value === null || value === undefined) {
    if (prefix) out[prefix] = null;
    return out;
  }
  if (Array.isArray(value)) {
    out[prefix] = JSON.stringify(value);
    return out;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') out[prefix] = value;
  else out[prefix] = String(value);
  return out;
}

/** A run as the table sees it: identity, status, flattened params and numeric metrics. */
export interface RunRow {
  id: string;
  name: string;
  status: string;
  /** Why the run has its status, e.g. where and why early stopping ended it. */
  statusNote?: string;
  /** Labels people gave the run; the text filter matches them too. */
  tags?: string[];
  params: Record<string, Scalar>;
  metrics: Record<string, number | null>;
}

/** The parameters that vary across rows (the interesting columns), sorted; constant ones are left out. */
export function varyingParams(rows: readonly RunRow[]): string[] {
  const seen = new Map<string, Set<string>>();
  for (const r of rows)
    for (const [k, v] of Object.entries(r.params)) {
      let s = seen.get(k);
      if (!s) seen.set(k, (s = new Set()));
      s.add(v === null ? 'null' : `${typeof v}:${String(v)}`);
    }
  // A key missing from some rows also varies.
  return [...seen.entries()]
    .filter(([k, s]) => s.size > 1 || rows.some((r) => !(k in r.params)))
    .map(([k]) => k)
    .sort();
}

/** Every parameter path seen in any row, sorted. */
export function allParams(rows: readonly RunRow[]): string[] {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.params)) keys.add(k);
  return [...keys].sort();
}

/** Distinct values of one parameter, in natural order, as the strings a filter compares. */
export function distinctValues(rows: readonly RunRow[], path: string): string[] {
  const s = new Set<string>();
  for (const r of rows) s.add(scalarText(r.params[path]));
  return [...s].sort(naturalCompare);
}

export function scalarText(v: Scalar | undefined): string {
  if (v === undefined || v === null) return '';
  return String(v);
}

export interface RunFilter {
  statuses?: readonly string[];
  /** Parameter path → accepted values (as scalarText writes them); rows match when every entry matches. */
  params?: Readonly<Record<string, readonly string[]>>;
  /** Case-insensitive substring of the run's name, id or one of its tags. */
  text?: string;
}

export function filterRuns(rows: readonly RunRow[], f: RunFilter): RunRow[] {
  const text = f.text?.trim().toLowerCase();
  return rows.filter((r) => {
    if (f.statuses && f.statuses.length > 0 && !f.statuses.includes(r.status)) return false;
    if (text && !r.name.toLowerCase().includes(text) && !r.id.toLowerCase().includes(text) && !(r.tags ?? []).some((t) => t.toLowerCase().includes(text))) return false;
    for (const [path, accepted] of Object.entries(f.params ?? {}))
      if (accepted.length > 0 && !accepted.includes(scalarText(r.params[path]))) return false;
    return true;
  });
}

/** Numbers compare as numbers, everything else as text with embedded numbers in order ("run 2" < "run 10"). */
export function naturalCompare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
}

export type SortKey = { kind: 'field'; field: 'name' | 'status' | 'id' } | { kind: 'param'; path: string } | { kind: 'metric'; name: string };

function sortValue(r: RunRow, key: SortKey): Scalar | undefined {
  if (key.kind === 'field') return r[key.field];
  if (key.kind === 'param') return r.params[key.path];
  return r.metrics[key.name];
}

/** Stable sort by one key; missing values go last in either direction. */
export function sortRuns(rows: readonly RunRow[], key: SortKey, dir: 'asc' | 'desc' = 'asc'): RunRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return rows
    .map((r, i) => ({ r, i, v: sortValue(r, key) }))
    .sort((a, b) => {
      const am = a.v === undefined || a.v === null || (typeof a.v === 'number' && Number.isNaN(a.v));
      const bm = b.v === undefined || b.v === null || (typeof b.v === 'number' && Number.isNaN(b.v));
      if (am !== bm) return am ? 1 : -1;
      if (am && bm) return a.i - b.i;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : naturalCompare(String(a.v), String(b.v));
      return c !== 0 ? sign * c : a.i - b.i;
    })
    .map((x) => x.r);
}

export interface RunGroup {
  /** The grouping parameter's value, as text. */
  value: string;
  runs: RunRow[];
  /** Metric name → mean ± std over the group's runs (its seeds). */
  metrics: Record<string, MeanStd>;
  /** How many runs of the group are in each status. */
  statusCounts: Record<string, number>;
}

/** Groups rows by the value of `path` and summarises each metric with mean ± std over the group's runs. */
export function groupRuns(rows: readonly RunRow[], path: string, metricNames: readonly string[]): RunGroup[] {
  const groups = new Map<string, RunRow[]>();
  for (const r of rows) {
    const k = scalarText(r.params[path]);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => naturalCompare(a, b))
    .map(([value, runs]) => ({
      value,
      runs,
      metrics: Object.fromEntries(metricNames.map((m) => [m, meanStd(runs.map((r) => r.metrics[m]))])),
      statusCounts: countBy(runs, (r) => r.status),
    }));
}

export function countBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) {
    const k = key(x);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** Config differences across runs: the paths whose values are not all equal, with each run's value. */
export function configDiff(configs: readonly unknown[]): { path: string; values: Scalar[] }[] {
  const flat = configs.map((c) => flattenConfig(c));
  const keys = new Set<string>();
  for (const f of flat) for (const k of Object.keys(f)) keys.add(k);
  const out: { path: string; values: Scalar[] }[] = [];
  for (const k of [...keys].sort()) {
    const values = flat.map((f) => (k in f ? f[k] : null));
    if (new Set(values.map((v) => JSON.stringify(v))).size > 1) out.push({ path: k, values });
  }
  return out;
}
