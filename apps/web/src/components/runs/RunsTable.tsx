'use client';
// The runs table: metrics first next to a sticky run name, a column picker, created and duration columns, filter by
// status and by any config parameter (menus grouped by config section, what varies first), sort by any column, group
// by a parameter with mean ± std over seeds, select runs to compare, cancel a queued or running run, and CSV/JSON
// export of what is shown. The view (filters, sort, grouping, columns) lives in the URL. Handles thousands of rows by
// showing them a page at a time.
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { Fragment, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { allParams, countBy, distinctValues, filterRuns, groupRuns, sortRuns, varyingParams, type RunRow, type SortKey } from '../../lib/runs/table.js';
import { formatMeanStd, formatNumber } from '../../lib/runs/stats.js';
import { paramLabel, paramMenu } from '../../lib/runs/param-menu.js';
import { DEFAULT_VIEW, UrlWrites, viewFromQuery, viewToQuery, type TableView } from '../../lib/runs/url-state.js';
import { downloadText, fileSlug, toCsv, type Cell } from '../../lib/export.js';
import { ProgressBar, StatusBadge, StatusCounts } from '../ui/Status.js';
import { DEFAULT_METRICS, SUMMARY_METRICS } from './run-rows.js';

const STATUSES = ['queued', 'running', 'succeeded', 'stopped', 'failed', 'cancelled'];
const ROWS_PER_PAGE = 100;

export interface RunsTableProps {
  rows: RunRow[];
  projectId: string;
  onCancel?: (id: string) => void;
  /** Parameter columns shown by default beyond the parameters that vary (when present). */
  pinnedParams?: string[];
  /** Names the exported files ("<exportName>-runs.csv"). */
  exportName?: string;
}

/** A column beyond the run's name and status: `metric:<key>`, `param:<path>`, or one of the fixed ones. */
type ColumnKey = string;
const FIXED = [
  { key: 'created', label: 'created' },
  { key: 'duration', label: 'duration' },
  { key: 'progress', label: 'progress' },
] as const;

function formatDuration(s: number | null | undefined): string {
  if (s === null || s === undefined) return '—';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

function formatCreated(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  const today = new Date();
  return d.toDateString() === today.toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}

export function RunsTable(props: RunsTableProps) {
  return (
    <Suspense>
      <RunsTableInner {...props} />
    </Suspense>
  );
}

function RunsTableInner({ rows, projectId, onCancel, pinnedParams = [], exportName = 'runs' }: RunsTableProps) {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const [view, setViewState] = useState<TableView>(() => viewFromQuery(new URLSearchParams(search.toString())));
  // The latest view, ahead of the render (two changes before React renders again both count).
  const latest = useRef(view);
  const writes = useRef<UrlWrites | null>(null);
  writes.current ??= new UrlWrites(search.toString());
  // Back/forward (or a link) changed the URL: follow it. The table's own writes landing late are not followed.
  useEffect(() => {
    const now = search.toString();
    if (writes.current!.arrived(now)) {
      latest.current = viewFromQuery(new URLSearchParams(now));
      setViewState(latest.current);
    }
  }, [search]);
  const setView = (update: (v: TableView) => TableView) => {
    const next = update(latest.current);
    latest.current = next;
    setViewState(next);
    const q = viewToQuery(next).toString();
    if (writes.current!.write(q)) router.replace(q ? `${pathname}?${q}` : pathname, { scroll: false });
  };
  const { statuses, params: paramFilters, text, sort, groupBy } = view;
  const [newFilterPath, setNewFilterPath] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [page, setPage] = useState(0);

  const params = useMemo(() => allParams(rows), [rows]);
  const varying = useMemo(() => varyingParams(rows).filter((p) => p !== 'name'), [rows]);
  const menu = useMemo(() => paramMenu(params, varying), [params, varying]);
  const defaultParams = useMemo(() => [...new Set([...pinnedParams.filter((p) => params.includes(p)), ...varying])], [pinnedParams, params, varying]);
  const defaultColumns = useMemo(
    () => [...DEFAULT_METRICS.map((m) => `metric:${m}`), 'created', 'duration', 'progress', ...defaultParams.map((p) => `param:${p}`)],
    [defaultParams],
  );
  const columns: ColumnKey[] = view.columns ?? defaultColumns;
  const shownMetrics = SUMMARY_METRICS.filter((m) => columns.includes(`metric:${m.key}`));
  const shownFixed = FIXED.filter((f) => columns.includes(f.key));
  const shownParams = columns.filter((c) => c.startsWith('param:')).map((c) => c.slice(6));

  const filtered = useMemo(() => filterRuns(rows, { statuses, params: paramFilters, text }), [rows, statuses, paramFilters, text]);
  const sorted = useMemo(() => sortRuns(filtered, sort.key, sort.dir), [filtered, sort]);
  const groups = useMemo(() => (groupBy ? groupRuns(filtered, groupBy, SUMMARY_METRICS.map((m) => m.key)) : []), [filtered, groupBy]);
  const statusCounts = useMemo(() => countBy(rows, (r) => r.status), [rows]);
  const pages = Math.max(1, Math.ceil(sorted.length / ROWS_PER_PAGE));
  const shown = sorted.slice(Math.min(page, pages - 1) * ROWS_PER_PAGE, (Math.min(page, pages - 1) + 1) * ROWS_PER_PAGE);

  const sameKey = (a: SortKey, b: SortKey) => JSON.stringify(a) === JSON.stringify(b);
  const sortHeader = (key: SortKey, label: string, opts: { numeric?: boolean; title?: string; className?: string } = {}) => {
    const active = sameKey(sort.key, key);
    const cls = [opts.numeric ? 'num' : '', opts.className ?? ''].filter(Boolean).join(' ') || undefined;
    return (
      <th scope="col" className={cls} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button
          type="button"
          className="sort-button"
          onClick={() => setView((v) => ({ ...v, sort: { key, dir: active && sort.dir === 'asc' ? 'desc' : 'asc' } }))}
          title={opts.title ? `${opts.title}. Sort by ${label}` : `Sort by ${label}`}
        >
          {label}
          {active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </button>
      </th>
    );
  };
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const toggleColumn = (c: ColumnKey) => setView((v) => ({ ...v, columns: toggle(v.columns ?? defaultColumns, c) }));

  const exportRows = (): Record<string, Cell>[] =>
    sorted.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      tags: (r.tags ?? []).join(' '),
      created: r.metrics.createdMs ? new Date(r.metrics.createdMs).toISOString() : null,
      durationSec: r.metrics.durationSec,
      ...Object.fromEntries(SUMMARY_METRICS.map((m) => [m.key, r.metrics[m.key]])),
      ...Object.fromEntries(shownParams.map((p) => [p, r.params[p]])),
    }));
  const exportColumns = () => [
    { key: 'id' },
    { key: 'name' },
    { key: 'status' },
    { key: 'tags' },
    { key: 'created' },
    { key: 'durationSec' },
    ...SUMMARY_METRICS.map((m) => ({ key: m.key })),
    ...shownParams.map((p) => ({ key: p })),
  ];
  const groupExport = () =>
    groups.map((g) => ({
      [groupBy]: g.value,
      runs: g.runs.length,
      ...Object.fromEntries(SUMMARY_METRICS.flatMap((m) => [[`${m.key}.mean`, g.metrics[m.key].mean], [`${m.key}.std`, g.metrics[m.key].std], [`${m.key}.n`, g.metrics[m.key].n]])),
    }));

  const paramSelect = (id: string, value: string, onChange: (v: string) => void, empty: string) => (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{empty}</option>
      {menu.map((g) => (
        <optgroup key={g.label} label={g.label}>
          {g.options.map((o) => (
            <option key={o.value} value={o.value} title={o.value}>
              {o.label}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );

  return (
    <section aria-label="Runs">
      <div className="toolbar">
        <fieldset style={{ marginBottom: 0 }}>
          <legend>Status</legend>
          {STATUSES.map((s) => (
            <label key={s} className="field-inline" style={{ display: 'inline-flex', marginRight: '0.75rem' }}>
              <input type="checkbox" checked={statuses.includes(s)} onChange={() => setView((v) => ({ ...v, statuses: toggle(v.statuses, s) }))} />
              {s} <span className="muted">({statusCounts[s] ?? 0})</span>
            </label>
          ))}
        </fieldset>
        <div className="field" style={{ marginBottom: 0 }}>
          <label htmlFor="runs-text">Run name, id or tag</label>
          <input id="runs-text" type="search" value={text} onChange={(e) => setView((v) => ({ ...v, text: e.target.value }))} />
        </div>
        <div className="field" style={{ marginBottom: 0 }}>
          <label htmlFor="runs-filter-param">Filter by parameter</label>
          <div className="field-inline">
            {paramSelect('runs-filter-param', newFilterPath, setNewFilterPath, 'choose a parameter…')}
            <button
              type="button"
              className="secondary"
              disabled={!newFilterPath || newFilterPath in paramFilters}
              onClick={() => {
                setView((v) => ({ ...v, params: { ...v.params, [newFilterPath]: [] } }));
                setNewFilterPath('');
              }}
            >
              Add filter
            </button>
          </div>
        </div>
        <div className="field" style={{ marginBottom: 0 }}>
          <label htmlFor="runs-group">Group by (mean ± std over seeds)</label>
          {paramSelect('runs-group', groupBy, (g) => setView((v) => ({ ...v, groupBy: g })), 'no grouping')}
        </div>
      </div>
      {Object.keys(paramFilters).length > 0 ? (
        <div className="toolbar">
          {Object.entries(paramFilters).map(([path, accepted]) => (
            <fieldset key={path} style={{ marginBottom: 0 }} aria-label={path}>
              <legend className="mono" title={path}>
                {path}
              </legend>
              {distinctValues(rows, path).map((v) => (
                <label key={v} style={{ display: 'inline-flex', gap: '0.3rem', marginRight: '0.6rem' }}>
                  <input type="checkbox" checked={accepted.includes(v)} onChange={() => setView((x) => ({ ...x, params: { ...x.params, [path]: toggle(x.params[path] ?? [], v) } }))} />
                  {v === '' ? <em>unset</em> : v}
                </label>
              ))}
              <button
                type="button"
                className="link-button"
                onClick={() =>
                  setView((x) => {
                    const { [path]: _, ...rest } = x.params;
                    return { ...x, params: rest };
                  })
                }
              >
                remove filter
              </button>
            </fieldset>
          ))}
        </div>
      ) : null}

      <div className="toolbar">
        <span className="muted" role="status">
          {filtered.length} of {rows.length} runs
        </span>
        <Link
          className={`button${selected.length < 2 ? ' secondary' : ''}`}
          aria-disabled={selected.length < 2}
          href={selected.length >= 2 ? `/projects/${projectId}/compare?runs=${selected.join(',')}` : '#'}
          onClick={(e) => {
            if (selected.length < 2) e.preventDefault();
          }}
        >
          Compare selected ({selected.length})
        </Link>
        {selected.length > 0 ? (
          <button type="button" className="link-button" onClick={() => setSelected([])}>
            clear selection
          </button>
        ) : null}
        <details className="column-picker">
          <summary>Columns</summary>
          <div className="column-picker-body" role="group" aria-label="Shown columns">
            <strong>Metrics</strong>
            {SUMMARY_METRICS.map((m) => (
              <label key={m.key} className="field-inline">
                <input type="checkbox" checked={columns.includes(`metric:${m.key}`)} onChange={() => toggleColumn(`metric:${m.key}`)} /> {m.label}
              </label>
            ))}
            <strong>Run</strong>
            {FIXED.map((f) => (
              <label key={f.key} className="field-inline">
                <input type="checkbox" checked={columns.includes(f.key)} onChange={() => toggleColumn(f.key)} /> {f.label}
              </label>
            ))}
            {menu.map((g) => (
              <Fragment key={g.label}>
                <strong>{g.label}</strong>
                {g.options.map((o) => (
                  <label key={o.value} className="field-inline" title={o.value}>
                    <input type="checkbox" checked={columns.includes(`param:${o.value}`)} onChange={() => toggleColumn(`param:${o.value}`)} /> {o.label}
                  </label>
                ))}
              </Fragment>
            ))}
            <button type="button" className="link-button" onClick={() => setView((v) => ({ ...v, columns: null }))}>
              default columns
            </button>
          </div>
        </details>
        <span className="export-buttons">
          <button type="button" className="secondary" onClick={() => downloadText(`${fileSlug(exportName)}-runs.csv`, toCsv(exportColumns(), exportRows()), 'text/csv')}>
            Export CSV
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() =>
              downloadText(
                `${fileSlug(exportName)}-runs.json`,
                JSON.stringify(
                  sorted.map((r) => ({ id: r.id, name: r.name, status: r.status, tags: r.tags ?? [], metrics: r.metrics, params: Object.fromEntries(shownParams.map((p) => [p, r.params[p] ?? null])) })),
                  null,
                  2,
                ),
                'application/json',
              )
            }
          >
            Export JSON
          </button>
        </span>
        {view !== DEFAULT_VIEW && viewToQuery(view).toString() !== '' ? (
          <button type="button" className="link-button" onClick={() => setView(() => DEFAULT_VIEW)}>
            reset view
          </button>
        ) : null}
      </div>

      {groupBy ? (
        <div className="table-scroll" style={{ marginBottom: '1rem' }}>
          <div className="toolbar" style={{ margin: '0.4rem 0.6rem' }}>
            <strong>Grouped by {paramLabel(groupBy, false)}</strong>
            <button type="button" className="secondary" onClick={() => downloadText(`${fileSlug(exportName)}-groups.csv`, toCsv(Object.keys(groupExport()[0] ?? { [groupBy]: '' }).map((key) => ({ key })), groupExport()), 'text/csv')}>
              Export groups CSV
            </button>
            <button type="button" className="secondary" onClick={() => downloadText(`${fileSlug(exportName)}-groups.json`, JSON.stringify({ groupBy, groups: groupExport() }, null, 2), 'application/json')}>
              Export groups JSON
            </button>
          </div>
          <table className="data" aria-label={`Runs grouped by ${groupBy}`}>
            <caption className="sr-only">Runs grouped by {groupBy}, metrics as mean ± sample std over the group&apos;s runs</caption>
            <thead>
              <tr>
                <th scope="col" className="mono">
                  {groupBy}
                </th>
                <th scope="col">runs</th>
                {SUMMARY_METRICS.map((m) => (
                  <th scope="col" className="num" key={m.key} title={m.title}>
                    {m.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.value}>
                  <th scope="row">{g.value === '' ? <em>unset</em> : g.value}</th>
                  <td>
                    <StatusCounts counts={g.statusCounts} />
                  </td>
                  {SUMMARY_METRICS.map((m) => (
                    <td className="num" key={m.key}>
                      {formatMeanStd(g.metrics[m.key])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <div className="table-scroll">
        <table className="data runs-table" data-testid="runs-table">
          <thead>
            <tr>
              <th scope="col" className="sticky-col sticky-select">
                <span className="sr-only">Select for comparison</span>
              </th>
              {sortHeader({ kind: 'field', field: 'name' }, 'Run', { className: 'sticky-col sticky-name' })}
              {sortHeader({ kind: 'field', field: 'status' }, 'Status')}
              {shownMetrics.map((m) => (
                <Fragment key={m.key}>{sortHeader({ kind: 'metric', name: m.key }, m.label, { numeric: true, title: m.title })}</Fragment>
              ))}
              {shownFixed.map((f) => (
                <Fragment key={f.key}>
                  {sortHeader({ kind: 'metric', name: f.key === 'created' ? 'createdMs' : f.key === 'duration' ? 'durationSec' : 'progress' }, f.label, { numeric: f.key !== 'created' })}
                </Fragment>
              ))}
              {shownParams.map((p) => (
                <Fragment key={p}>{sortHeader({ kind: 'param', path: p }, p)}</Fragment>
              ))}
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.id} data-run-id={r.id} data-status={r.status}>
                <td className="sticky-col sticky-select">
                  <input type="checkbox" aria-label={`Select ${r.name} for comparison`} checked={selected.includes(r.id)} onChange={() => setSelected((s) => toggle(s, r.id))} />
                </td>
                <th scope="row" className="sticky-col sticky-name">
                  <Link href={`/runs/${r.id}`} title={r.name}>
                    {r.name}
                  </Link>{' '}
                  <span className="muted mono">{r.id.slice(0, 8)}</span>
                  {(r.tags ?? []).map((t) => (
                    <span key={t} className="tag">
                      {t}
                    </span>
                  ))}
                </th>
                <td title={r.statusNote}>
                  <StatusBadge status={r.status} />
                  {r.statusNote ? <span className="sr-only"> {r.statusNote}</span> : null}
                </td>
                {shownMetrics.map((m) => (
                  <td className="num" key={m.key}>
                    {formatNumber(r.metrics[m.key])}
                  </td>
                ))}
                {shownFixed.map((f) =>
                  f.key === 'created' ? (
                    <td key={f.key}>{formatCreated(r.metrics.createdMs)}</td>
                  ) : f.key === 'duration' ? (
                    <td key={f.key} className="num">
                      {formatDuration(r.metrics.durationSec)}
                    </td>
                  ) : (
                    <td key={f.key} className="num">
                      <ProgressBar value={r.metrics.progress ?? 0} label={`${r.name} progress`} />
                    </td>
                  ),
                )}
                {shownParams.map((p) => (
                  <td key={p}>{r.params[p] === undefined || r.params[p] === null ? <span className="muted">—</span> : String(r.params[p])}</td>
                ))}
                <td>
                  {onCancel && (r.status === 'queued' || r.status === 'running') ? (
                    <button type="button" className="secondary" onClick={() => onCancel(r.id)} aria-label={`Cancel ${r.name}`}>
                      Cancel
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 ? (
        <nav className="toolbar" aria-label="Run table pages">
          <button type="button" className="secondary" disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))}>
            Previous
          </button>
          <span className="muted">
            page {Math.min(page, pages - 1) + 1} of {pages}
          </span>
          <button type="button" className="secondary" disabled={page >= pages - 1} onClick={() => setPage((p) => p + 1)}>
            Next
          </button>
        </nav>
      ) : null}
    </section>
  );
}
