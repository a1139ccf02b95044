'use client';
// Compare N runs: NE and ΔNE% curves overlaid, summaries side by side, and the config paths where they differ.
import Link from 'next/link';
import { useParams, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { request } from '../../../../lib/api/client.js';
import { useApi } from '../../../../lib/api/provider.js';
import { rememberProject } from '../../../../lib/current-project.js';
import { CompareRunDocument, type CompareRunQuery } from '../../../../gql/graphql.js';
import { LineChart } from '../../../../components/charts/LineChart.js';
import { StatusBadge } from '../../../../components/ui/Status.js';
import { neSeries } from '../../../../lib/charts/run-series.js';
import { configDiff } from '../../../../lib/runs/table.js';
import { formatNumber } from '../../../../lib/runs/stats.js';
import { SUMMARY_METRICS } from '../../../../components/runs/run-rows.js';

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

  const label = (r: CompareRun, i: number) => `#${i + 1} ${(r.config as { name?: string }).name ?? 'run'} s${r.seed}`;
  const series = useMemo(() => runs.map((r) => neSeries(r.metrics.points)), [runs]);
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
          <div className="grid">
            <LineChart
              title="Serving NE per window"
              xLabel="window"
              yLabel="NE"
              series={runs.map((r, i) => ({ label: label(r, i), points: series[i].serving.length ? series[i].serving : series[i].dense, ...styleOf(i) }))}
            />
            <LineChart
              title="ΔNE % (serving vs dense)"
              xLabel="window"
              yLabel="ΔNE %"
              series={runs.map((r, i) => ({ label: label(r, i), points: series[i].delta, ...styleOf(i) }))}
            />
          </div>
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
