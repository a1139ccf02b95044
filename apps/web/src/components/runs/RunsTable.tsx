'use client';
// The runs table: filter by status and by any config parameter, sort by any column, group by a parameter with
// mean ± std over seeds, select runs to compare, cancel a queued or running run. Handles thousands of rows by
// showing them a page at a time.
import Link from 'next/link';
import { Fragment, useMemo, useState } from 'react';
import {
  allParams,
  countBy,
  distinctValues,
  filterRuns,
  groupRuns,
  sortRuns,
  varyingParams,
  type RunRow,
  type SortKey,
} from '../../lib/runs/table.js';
import { formatMeanStd, formatNumber } from '../../lib/runs/stats.js';
import { ProgressBar, StatusBadge, StatusCounts } from '../ui/Status.js';
import { SUMMARY_METRICS } from './run-rows.js';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const ROWS_PER_PAGE = 100;

export interface RunsTableProps {
  rows: RunRow[];
  projectId: string;
  onCancel?: (id: string) => void;
  /** Extra columns that are always shown, beyond the parameters that vary. */
  pinnedParams?: string[];
}

export function RunsTable({ rows, projectId, onCancel, pinnedParams = [] }: RunsTableProps) {
  const [statuses, setStatuses] = useState<string[]>([]);
  const [paramFilters, setParamFilters] = useState<Record<string, string[]>>({});
  const [newFilterPath, setNewFilterPath] = useState('');
  const [text, setText] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; dir: 'asc' | 'desc' }>({ key: { kind: 'field', field: 'name' }, dir: 'asc' });
  const [groupBy, setGroupBy] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [page, setPage] = useState(0);

  const params = useMemo(() => allParams(rows), [rows]);
  const varying = useMemo(() => [...new Set([...pinnedParams, ...varyingParams(rows).filter((p) => p !== 'name')])], [rows, pinnedParams]);
  const filtered = useMemo(() => filterRuns(rows, { statuses, params: paramFilters, text }), [rows, statuses, paramFilters, text]);
  const sorted = useMemo(() => sortRuns(filtered, sort.key, sort.dir), [filtered, sort]);
  const groups = useMemo(() => (groupBy ? groupRuns(filtered, groupBy, SUMMARY_METRICS.map((m) => m.key)) : []), [filtered, groupBy]);
  const statusCounts = useMemo(() => countBy(rows, (r) => r.status), [rows]);
  const pages = Math.max(1, Math.ceil(sorted.length / ROWS_PER_PAGE));
  const shown = sorted.slice(Math.min(page, pages - 1) * ROWS_PER_PAGE, (Math.min(page, pages - 1) + 1) * ROWS_PER_PAGE);

  const sameKey = (a: SortKey, b: SortKey) => JSON.stringify(a) === JSON.stringify(b);
  const sortHeader = (key: SortKey, label: string, numeric = false) => {
    const active = sameKey(sort.key, key);
    return (
      <th scope="col" className={numeric ? 'num' : undefined} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button
          type="button"
          className="sort-button"
          onClick={() => setSort({ key, dir: active && sort.dir === 'asc' ? 'desc' : 'asc' })}
          title={`Sort by ${label}`}
        >
          {label}
          {active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </button>
      </th>
    );
  };
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  return (
    <section aria-label="Runs">
      <div className="toolbar">
        <fieldset style={{ marginBottom: 0 }}>
          <legend>Status</legend>
          {STATUSES.map((s) => (
            <label key={s} className="field-inline" style={{ display: 'inline-flex', marginRight: '0.75rem' }}>
              <input type="checkbox" checked={statuses.includes(s)} onChange={() => setStatuses((x) => toggle(x, s))} />
              {s} <span className="muted">({statusCounts[s] ?? 0})</span>
            </label>
          ))}
        </fieldset>
        <div className="field" style={{ marginBottom: 0 }}>
          <label htmlFor="runs-text">Run name or id</label>
          <input id="runs-text" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field" style={{ marginBottom: 0 }}>
          <label htmlFor="runs-filter-param">Filter by parameter</label>
          <div className="field-inline">
            <select id="runs-filter-param" value={newFilterPath} onChange={(e) => setNewFilterPath(e.target.value)}>
              <option value="">choose a parameter…</option>
              {params.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="secondary"
              disabled={!newFilterPath || newFilterPath in paramFilters}
              onClick={() => {
                setParamFilters((f) => ({ ...f, [newFilterPath]: [] }));
                setNewFilterPath('');
              }}
            >
              Add filter
            </button>
          </div>
        </div>
        <div className="field" style={{ marginBottom: 0 }}>
          <label htmlFor="runs-group">Group by (mean ± std over seeds)</label>
          <select id="runs-group" value={groupBy} onChange={(e) => setGroupBy(e.target.value)}>
            <option value="">no grouping</option>
            {params.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
      </div>
      {Object.keys(paramFilters).length > 0 ? (
        <div className="toolbar">
          {Object.entries(paramFilters).map(([path, accepted]) => (
            <fieldset key={path} style={{ marginBottom: 0 }}>
              <legend className="mono">{path}</legend>
              {distinctValues(rows, path).map((v) => (
                <label key={v} style={{ display: 'inline-flex', gap: '0.3rem', marginRight: '0.6rem' }}>
                  <input type="checkbox" checked={accepted.includes(v)} onChange={() => setParamFilters((f) => ({ ...f, [path]: toggle(f[path], v) }))} />
                  {v === '' ? <em>unset</em> : v}
                </label>
              ))}
              <button
                type="button"
                className="link-button"
                onClick={() =>
                  setParamFilters((f) => {
                    const { [path]: _, ...rest } = f;
                    return rest;
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
      </div>

      {groupBy ? (
        <div className="table-scroll" style={{ marginBottom: '1rem' }}>
          <table className="data" aria-label={`Runs grouped by ${groupBy}`}>
            <caption className="sr-only">Runs grouped by {groupBy}, metrics as mean ± sample std over the group's runs</caption>
            <thead>
              <tr>
                <th scope="col" className="mono">
                  {groupBy}
                </th>
                <th scope="col">runs</th>
                {SUMMARY_METRICS.map((m) => (
                  <th scope="col" className="num" key={m.key}>
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
        <table className="data" data-testid="runs-table">
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">Select for comparison</span>
              </th>
              {sortHeader({ kind: 'field', field: 'name' }, 'Run')}
              {sortHeader({ kind: 'field', field: 'status' }, 'Status')}
              {sortHeader({ kind: 'metric', name: 'progress' }, 'Progress', true)}
              {varying.map((p) => (
                <Fragment key={p}>{sortHeader({ kind: 'param', path: p }, p)}</Fragment>
              ))}
              {SUMMARY_METRICS.map((m) => (
                <Fragment key={m.key}>{sortHeader({ kind: 'metric', name: m.key }, m.label, true)}</Fragment>
              ))}
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.id} data-run-id={r.id} data-status={r.status}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${r.name} for comparison`}
                    checked={selected.includes(r.id)}
                    onChange={() => setSelected((s) => toggle(s, r.id))}
                  />
                </td>
                <td>
                  <Link href={`/runs/${r.id}`}>{r.name}</Link> <span className="muted mono">{r.id.slice(0, 8)}</span>
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td className="num">
                  <ProgressBar value={r.metrics.progress ?? 0} label={`${r.name} progress`} />
                </td>
                {varying.map((p) => (
                  <td key={p}>{r.params[p] === undefined || r.params[p] === null ? <span className="muted">—</span> : String(r.params[p])}</td>
                ))}
                {SUMMARY_METRICS.map((m) => (
                  <td className="num" key={m.key}>
                    {formatNumber(r.metrics[m.key])}
                  </td>
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
