// Exports of the runs table, its groups and a comparison of runs, as CSV (injection-safe, @driftprune/sweeps toCsv)
// or JSON. The same function answers the GraphQL field exportRuns and GET /export, so a dashboard URL's filter,
// sort and grouping give the same file either way.
import { configPathProblem, getPath } from '@driftprune/config';
import { runsOfFilter, runsOfProjectByIds, windowMetricsOf, type Db, type Run } from '@driftprune/db';
import { mean, std } from '@driftprune/stats';
import { toCsv, type Cell } from '@driftprune/sweeps';
import { badInput, isUuid } from '../errors.js';
import { runListFilter } from '../resolvers/lists.js';
import { runDerivedName } from '../resolvers/types.js';
import { earlyStopOf } from '../resolvers/sweep-analysis.js';
import type { ExportFormat, ExportView, RunFilter, RunSort } from '../resolvers-types.js';
import { FIGURES, summaryNumber } from './sweep-analysis.js';

export const MAX_EXPORT_RUNS = 10_000;
export const MAX_COMPARE_RUNS = 50;
export const MAX_GROUP_BY = 5;

export interface ExportArgs {
  projectId: string;
  format?: ExportFormat | null;
  view?: ExportView | null;
  filter?: RunFilter | null;
  sort?: RunSort | null;
  sortColumn?: string | null;
  groupBy?: string[] | null;
  runIds?: string[] | null;
}

export interface ExportFile {
  fileName: string;
  contentType: string;
  content: string;
  rows: number;
}

type Row = Record<string, Cell>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function paramsOf(r: Pick<Run, 'params'>): Record<string, unknown> {
  return r.params && typeof r.params === 'object' && !Array.isArray(r.params) ? (r.params as Record<string, unknown>) : {};
}

const cellOf = (v: unknown): Cell => (v === null || v === undefined ? null : typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : JSON.stringify(v));

function runRow(r: Run): Row {
  const stop = earlyStopOf(r.earlyStop);
  const row: Row = {
    id: r.id,
    name: r.name ?? runDerivedName(r),
    status: r.status,
    paradigm: r.paradigm,
    seed: r.seed,
    experimentId: r.experimentId,
    sweepId: r.sweepId,
    tags: r.tags.join(';'),
    createdAt: iso(r.createdAt),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    durationSec: r.startedAt && r.finishedAt ? (r.finishedAt.getTime() - r.startedAt.getTime()) / 1000 : null,
  };
  for (const [k, v] of Object.entries(paramsOf(r))) if (k !== 'seed') row[`params.${k}`] = cellOf(v);
  for (const f of FIGURES) row[f] = summaryNumber(r.summary, f);
  row.earlyStopWindow = stop?.window ?? null;
  row.earlyStopReason = stop?.reason ?? null;
  row.error = r.error;
  row.notes = r.notes;
  return row;
}

/** Columns in a stable order: the fixed ones, then every params.* seen (sorted), then figures and the rest. */
function columnsOf(rows: Row[]): string[] {
  const head = ['id', 'name', 'status', 'paradigm', 'seed', 'experimentId', 'sweepId', 'tags', 'createdAt', 'startedAt', 'finishedAt', 'durationSec'];
  const params = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => k.startsWith('params.'))))].sort();
  return [...head, ...params, ...FIGURES, 'earlyStopWindow', 'earlyStopReason', 'error', 'notes'];
}

function compareCells(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

async function selectRuns(db: Db, args: ExportArgs): Promise<Run[]> {
  const dir = args.sort?.direction === 'ASC' ? 'asc' : 'desc';
  const field = args.sort?.field === 'STATUS' ? 'status' : args.sort?.field === 'PROGRESS' ? 'progress' : 'createdAt';
  const runs = await runsOfFilter(db, { projectId: args.projectId, filter: runListFilter(args.filter), sort: field, dir, take: MAX_EXPORT_RUNS + 1 });
  if (runs.length > MAX_EXPORT_RUNS) throw badInput(`the export matches more than ${MAX_EXPORT_RUNS} runs; narrow the filter`, undefined, { reason: 'EXPORT_TOO_LARGE', limit: MAX_EXPORT_RUNS });
  return runs;
}

function render(format: ExportFormat, base: string, columns: string[], rows: Row[]): ExportFile {
  if (format === 'JSON')
    return { fileName: `${base}.json`, contentType: 'application/json', content: JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])))), rows: rows.length };
  return { fileName: `${base}.csv`, contentType: 'text/csv; charset=utf-8', content: toCsv(columns, rows.map((r) => columns.map((c) => r[c] ?? null))), rows: rows.length };
}

export async function exportRuns(db: Db, args: ExportArgs): Promise<ExportFile> {
  const format = args.format ?? 'CSV';
  const view = args.view ?? 'RUNS';
  const stamp = new Date().toISOString().slice(0, 10);
  if (view === 'COMPARE') return exportCompare(db, args, format, stamp);
  const runs = await selectRuns(db, args);
  if (view === 'GROUPS') return exportGroups(runs, args, format, stamp);
  const rows = runs.map(runRow);
  const columns = columnsOf(rows);
  if (args.sortColumn != null) {
    if (!columns.includes(args.sortColumn)) throw badInput(`sortColumn "${args.sortColumn.slice(0, 100)}" is not a column of this export (${columns.slice(0, 12).join(', ')}, …)`, undefined, { reason: 'BAD_SORT_COLUMN' });
    const sign = args.sort?.direction === 'ASC' ? 1 : -1;
    const c = args.sortColumn;
    // nulls last in either direction
    rows.sort((a, b) => (a[c] == null ? (b[c] == null ? 0 : 1) : b[c] == null ? -1 : sign * compareCells(a[c], b[c])));
  }
  return render(format, `runs-${stamp}`, columns, rows);
}

function exportGroups(runs: Run[], args: ExportArgs, format: ExportFormat, stamp: string): ExportFile {
  const paths = args.groupBy ?? [];
  if (paths.length < 1 || paths.length > MAX_GROUP_BY) throw badInput(`groupBy needs 1..${MAX_GROUP_BY} config paths for the GROUPS view`, undefined, { reason: 'BAD_GROUP_BY' });
  for (const p of paths) {
    const problem = configPathProblem(p);
    if (problem) throw badInput(`groupBy path: ${problem}`, undefined, { reason: 'BAD_GROUP_BY' });
  }
  const groups = new Map<string, { values: unknown[]; runs: Run[] }>();
  for (const r of runs) {
    const values = paths.map((p) => getPath(r.config, p) ?? null);
    const key = JSON.stringify(values);
    const g = groups.get(key) ?? { values, runs: [] };
    g.runs.push(r);
    groups.set(key, g);
  }
  const columns = [...paths, 'runs', 'succeeded', 'stopped', 'failed', ...FIGURES.flatMap((f) => [`${f}.mean`, `${f}.std`, `${f}.n`])];
  const rows: Row[] = [...groups.values()].map((g) => {
    const row: Row = Object.fromEntries(paths.map((p, i) => [p, cellOf(g.values[i])]));
    row.runs = g.runs.length;
    row.succeeded = g.runs.filter((r) => r.status === 'succeeded').length;
    row.stopped = g.runs.filter((r) => r.status === 'stopped').length;
    row.failed = g.runs.filter((r) => r.status === 'failed').length;
    for (const f of FIGURES) {
      const xs = g.runs.map((r) => summaryNumber(r.summary, f)).filter((x): x is number => x !== null);
      row[`${f}.mean`] = xs.length ? mean(xs) : null;
      row[`${f}.std`] = xs.length > 1 ? std(xs) : null;
      row[`${f}.n`] = xs.length;
    }
    return row;
  });
  rows.sort((a, b) => {
    for (const p of paths) {
      const c = compareCells(a[p], b[p]);
      if (c) return c;
    }
    return 0;
  });
  return render(format, `groups-${stamp}`, columns, rows);
}

async function exportCompare(db: Db, args: ExportArgs, format: ExportFormat, stamp: string): Promise<ExportFile> {
  const ids = [...new Set(args.runIds ?? [])];
  if (ids.length < 1 || ids.length > MAX_COMPARE_RUNS) throw badInput(`runIds needs 1..${MAX_COMPARE_RUNS} runs for the COMPARE view`, undefined, { reason: 'BAD_RUN_IDS' });
  const valid = ids.filter(isUuid);
  // runs of other projects (or none) are reported like missing ones: their existence does not leak
  const runs = await runsOfProjectByIds(db, args.projectId, valid);
  if (runs.length !== ids.length) {
    const found = new Set(runs.map((r) => r.id));
    throw badInput(`run(s) not found in this project: ${ids.filter((i) => !found.has(i)).slice(0, 5).map((i) => i.slice(0, 40)).join(', ')}`, undefined, { reason: 'NOT_FOUND_RUNS' });
  }
  const names = new Map(runs.map((r) => [r.id, r.name ?? runDerivedName(r)]));
  const metrics = await windowMetricsOf(db, ids);
  const dense = new Map(metrics.filter((m) => m.model === 'dense').map((m) => [`${m.runId}:${m.window}`, m.ne]));
  const rows: Row[] = metrics.map((m) => {
    const d = dense.get(`${m.runId}:${m.window}`);
    const deltaNePct = m.model === 'serving' && m.ne !== null && d != null && d > 0 ? 100 * (m.ne / d - 1) : null;
    return { window: m.window, runId: m.runId, runName: names.get(m.runId)!, model: m.model, rows: m.rows, ne: m.ne, deltaNePct, logLoss: m.logLoss, auc: m.auc, sparsity: m.sparsity, flops: m.flops, warmup: m.warmup, excluded: m.excluded };
  });
  const columns = ['window', 'runId', 'runName', 'model', 'rows', 'ne', 'deltaNePct', 'logLoss', 'auc', 'sparsity', 'flops', 'warmup', 'excluded'];
  return render(format, `compare-${stamp}`, columns, rows);
}
