'use client';
// Compare N runs: NE and ΔNE% curves overlaid (or, per configuration, one band of mean ± std across its seeds), refresh
// markers, per-window ΔNE aligned in one table, summaries side by side, the config paths where they differ, and
// CSV/JSON export of the summaries and the per-window table.
import Link from 'next/link';
import { useParams, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { request } from '../../../../lib/api/client.js';
import { useApi } from '../../../../lib/api/provider.js';
import { rememberProject } from '../../../../lib/current-project.js';
import { CompareRunDocument, type CompareRunQuery } from '../../../../gql/graphql.js';
import { LineChart, type LineSeries } from '../../../../components/charts/LineChart.js';
import { StatusBadge } from '../../../../components/ui/Status.js';
import { neSeries } from '../../../../lib/charts/run-series.js';
import { configDiff } from '../../../../lib/runs/table.js';
import { formatNumber } from '../../../../lib/runs/stats.js';
import { SUMMARY_METRICS } from '../../../../components/runs/run-rows.js';
import { bandOf, groupBy } from '../../../../lib/charts/bands.js';
import { downloadText, toCsv, type Cell } from '../../../../lib/export.js';
import { usePageTitle } from '../../../../lib/page-title.js';

// Distinguishable colours (Okabe–Ito, colour-blind safe) cycling for more runs; dash patterns tell cycles apart.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const DASHES: (number[] | undefined)[] = [undefined, [6, 3], [2, 3], [8, 3, 2, 3]];
const styleOf = (i: number) => ({ color: PALETTE[i % PALETTE.length], dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length] });

type CompareRun = NonNullable<CompareRunQuery['run']>;

export function CompareRuns() {
  const { projectId } = useParams<{ projectId: string }>();
  useEffect(() => rememberProject(projectId), [projectId]);
  const search = useSearchParams();
  const router = useRouter();
  const ids = useMemo(() => (search.get('runs') ?? '').split(',').map((s) => s.trim()).filter(Boolean), [search]);
  const { apiUrl, token } = useApi();
  const [runs, setRuns] = useState<CompareRun[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const [loading, setLoading] = useState(false);
  const [addId, setAddId] = useState('');

  useEffect(() => {
    if (!token || ids.length === 0) return;
    let stop = false;
    setLoading(true);
    void Promise.allSettled(ids.map((id) => request(apiUrl, token, CompareRunDocument, { id, maxPoints: 1000 }))).then((rs) => {
      if (stop) return;
      setRuns(rs.flatMap((r) => (r.status === 'fulfilled' && r.value.run ? [r.value.run] : [])));
      setErrors(rs.flatMap((r, i) => (r.status === 'rejected' ? [`${ids[i]}: ${String(r.reason?.message ?? r.reason)}`] : r.value.run ? [] : [`${ids[i]}: not found`])));
      setLoading(false);
    });
    return () => {
      stop = true;
    };
  }, [apiUrl, token, ids]);

  usePageTitle(`Compare ${ids.length} runs`);
  const label = (r: CompareRun, i: number) => `#${i + 1} ${r.name}`;
  const series = useMemo(() => runs.map((r) => neSeries(r.metrics.points.filter((p) => !p.warmup))), [runs]);
  // One configuration = the run's swept parameters without its seed (else its whole config without the seed).
  const groups = useMemo(
    () =>
      groupBy(
        runs.map((r, i) => ({ r, i })),
        ({ r }) => {
          const params = Object.entries((r.params ?? {}) as Record<string, unknown>).filter(([k]) => k !== 'seed');
          if (params.length) return `${r.experimentId}|${params.map(([k, v]) => `${k}=${String(v)}`).join(' · ')}`;
          const { seed: _s, ...rest } = (r.config ?? {}) as Record<string, unknown>;
          return `${r.experimentId}|${JSON.stringify(rest)}`;
        },
      ),
    [runs],
  );
  const groupLabel = (g: (typeof groups)[number]) => {
    const r = g.items[0].r;
    const params = Object.entries((r.params ?? {}) as Record<string, unknown>).filter(([k]) => k !== 'seed');
    const what = params.length ? params.map(([k, v]) => `${k.split('.').pop()}=${String(v)}`).join(' · ') : r.experiment.name;
    return `${what} (n=${g.items.length} seeds)`;
  };
  const canBand = groups.some((g) => g.items.length > 1);
  const [bands, setBands] = useState(true);
  const showBands = canBand && bands;
  const bandSeries = (pick: (i: number) => { x: number; y: number | null }[]) =>
    groups.flatMap((g, gi): LineSeries[] => {
      const st = styleOf(gi);
      if (g.items.length === 1) return [{ label: groupLabel(g), points: pick(g.items[0].i), ...st }];
      const b = bandOf(g.items.map(({ i }) => pick(i)));
      return [
        { label: `${groupLabel(g)} mean`, points: b.mean, color: st.color, width: 2.5 },
        { label: `${groupLabel(g)} +1 std`, points: b.hi, color: st.color, dash: [3, 3], width: 1 },
        { label: `${groupLabel(g)} −1 std`, points: b.lo, color: st.color, dash: [3, 3], width: 1 },
      ];
    });
  const servingOf = (i: number) => (series[i].serving.length ? series[i].serving : series[i].dense);
  // One dashed line per window where any of the runs refreshed (several runs refreshing at one window draw one line).
  const markers = useMemo(() => {
    const byWindow = new Map<number, string[]>();
    for (const r of runs) for (const f of r.refreshes) byWindow.set(f.window, [...(byWindow.get(f.window) ?? []), `${r.name}: ${f.trigger}`]);
    return [...byWindow.entries()].map(([x, labels]) => ({ x, label: labels.join('; ') }));
  }, [runs]);
  // ΔNE % per window, aligned on the window index across runs.
  const deltaTable = useMemo(() => {
    const xs = [...new Set(series.flatMap((s) => s.delta.map((p) => p.x)))].sort((a, b) => a - b);
    return xs.map((x) => ({ window: x, values: series.map((s) => s.delta.find((p) => p.x === x)?.y ?? null) }));
  }, [series]);
  const exportSummary = (): Record<string, Cell>[] =>
    runs.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      experiment: r.experiment.name,
      seed: r.seed,
      ...Object.fromEntries(SUMMARY_METRICS.map((m) => [m.key, ((r.summary ?? {}) as Record<string, number | null>)[m.key] ?? null])),
    }));
  const exportDeltas = (): Record<string, Cell>[] => deltaTable.map((d) => ({ window: d.window, ...Object.fromEntries(runs.map((r, i) => [r.id, d.values[i]])) }));
  const diff = useMemo(() => configDiff(runs.map((r) => r.config)), [runs]);
  const setIds = (next: string[]) => router.replace(`/projects/${projectId}/compare?runs=${next.join(',')}`);

  return (
    <>
      <h1>Compare runs</h1>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          const id = addId.trim();
          if (id && !ids.includes(id)) setIds([...ids, id]);
          setAddId('');
        }}
      >
        <div className="field" style={{ marginBottom: 0 }}>
          <label htmlFor="add-run">Add a run by id</label>
          <input id="add-run" type="text" value={addId} onChange={(e) => setAddId(e.target.value)} placeholder="run id" />
        </div>
        <button type="submit" className="secondary">
          Add
        </button>
        <span className="muted">Or select runs in a runs table and press “Compare selected”.</span>
      </form>
      {ids.length === 0 ? <p className="empty">No run selected.</p> : null}
      {loading ? <p className="muted">Loading {ids.length} runs…</p> : null}
      {errors.length ? (
        <p role="alert" className="error">
          {errors.join('; ')}
        </p>
      ) : null}
      {runs.length > 0 ? (
        <>
          <div className="table-scroll" style={{ marginBottom: '1rem' }}>
            <table className="data" data-testid="compare-summary">
              <thead>
                <tr>
                  <th scope="col">run</th>
                  <th scope="col">status</th>
                  <th scope="col">experiment</th>
                  {SUMMARY_METRICS.map((m) => (
                    <th scope="col" className="num" key={m.key}>
                      {m.label}
                    </th>
                  ))}
                  <th scope="col">
                    <span className="sr-only">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r, i) => {
                  const s = (r.summary ?? {}) as Record<string, number | null>;
                  return (
                    <tr key={r.id}>
                      <th scope="row">
                        <span aria-hidden="true" style={{ display: 'inline-block', width: 14, height: 4, background: styleOf(i).color, verticalAlign: 'middle', marginRight: 6 }} />
                        <Link href={`/runs/${r.id}`}>{label(r, i)}</Link>
                      </th>
                      <td>
                        <StatusBadge status={r.status} />
                      </td>
                      <td>
                        <Link href={`/experiments/${r.experiment.id}`}>{r.experiment.name}</Link>
                      </td>
                      {SUMMARY_METRICS.map((m) => (
                        <td className="num" key={m.key}>
                          {formatNumber(s[m.key])}
                        </td>
                      ))}
                      <td>
                        <button type="button" className="link-button" onClick={() => setIds(ids.filter((x) => x !== r.id))} aria-label={`Remove ${label(r, i)} from the comparison`}>
                          remove
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="toolbar">
            {canBand ? (
              <label className="field-inline">
                <input type="checkbox" checked={bands} onChange={(e) => setBands(e.target.checked)} /> One band per configuration (mean ± std across its{' '}
                {Math.max(...groups.map((g) => g.items.length))} seeds)
              </label>
            ) : null}
            <span className="export-buttons">
              <button type="button" className="secondary" onClick={() => downloadText('compare-runs.csv', toCsv(Object.keys(exportSummary()[0]).map((key) => ({ key })), exportSummary()), 'text/csv')}>
                Export CSV
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  downloadText(
                    'compare-runs.json',
                    JSON.stringify({ runs: exportSummary(), deltaNEPctPerWindow: exportDeltas(), configDiff: diff.map((d) => ({ path: d.path, values: Object.fromEntries(runs.map((r, i) => [r.id, d.values[i]])) })) }, null, 2),
                    'application/json',
                  )
                }
              >
                Export JSON
              </button>
            </span>
          </div>
          <p className="definition">
            ΔNE % = 100 × (NE serving / NE dense − 1) per window (positive = the pruned serving model predicts worse); warm-up windows left out; dashed vertical lines: windows where
            any run shown refreshed its serving model.
          </p>
          <div className="grid">
            <LineChart
              title="Serving NE per window"
              xLabel="window"
              yLabel="NE"
              markers={markers}
              series={showBands ? bandSeries(servingOf) : runs.map((r, i) => ({ label: label(r, i), points: servingOf(i), ...styleOf(i) }))}
            />
            <LineChart
              title="ΔNE % (serving vs dense)"
              xLabel="window"
              yLabel="ΔNE % (+ = serving worse)"
              markers={markers}
              series={showBands ? bandSeries((i) => series[i].delta) : runs.map((r, i) => ({ label: label(r, i), points: series[i].delta, ...styleOf(i) }))}
            />
          </div>
          <details style={{ marginTop: '1rem' }}>
            <summary>ΔNE % per window, aligned ({deltaTable.length} windows)</summary>
            <div className="toolbar">
              <button type="button" className="secondary" onClick={() => downloadText('compare-delta-ne.csv', toCsv([{ key: 'window' }, ...runs.map((r) => ({ key: r.id, label: r.name }))], exportDeltas()), 'text/csv')}>
                Export per-window CSV
              </button>
            </div>
            <div className="table-scroll">
              <table className="data" data-testid="delta-per-window">
                <thead>
                  <tr>
                    <th scope="col" className="num">window</th>
                    {runs.map((r, i) => (
                      <th scope="col" className="num" key={r.id}>
                        {label(r, i)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {deltaTable.map((d) => (
                    <tr key={d.window}>
                      <th scope="row" className="num">
                        {d.window}
                      </th>
                      {d.values.map((v, i) => (
                        <td className="num" key={i}>
                          {formatNumber(v)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
          <h2>Config differences</h2>
          {diff.length === 0 ? (
            <p className="empty">The configs are identical.</p>
          ) : (
            <div className="table-scroll">
              <table className="data" data-testid="config-diff">
                <thead>
                  <tr>
                    <th scope="col">path</th>
                    {runs.map((r, i) => (
                      <th scope="col" key={r.id}>
                        {label(r, i)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {diff.map((d) => (
                    <tr key={d.path}>
                      <th scope="row" className="mono">
                        {d.path}
                      </th>
                      {d.values.map((v, i) => (
                        <td key={i} className="mono">
                          {v === null ? <span className="muted">—</span> : String(v)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
    </>
  );
}
