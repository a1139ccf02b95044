'use client';
// The project's datasets: what they are, their totals, and per window the label rate, new ids and drift (PSI
// against the previous window), as computed by the data package's stream statistics.
import { useParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { SOURCE_KINDS } from '@driftprune/config';
import { useMutation, useQuery } from '../../../../lib/api/hooks.js';
import { rememberProject } from '../../../../lib/current-project.js';
import { CreateDatasetDocument, DatasetsDocument } from '../../../../gql/graphql.js';
import { DataState } from '../../../../components/ui/DataState.js';
import { LineChart } from '../../../../components/charts/LineChart.js';
import { formatNumber } from '../../../../lib/runs/stats.js';
import { readDatasetStats } from '../../../../lib/datasets.js';
import { formatBytes } from '../../../../lib/format-bytes.js';
import { usePageTitle } from '../../../../lib/page-title.js';

export default function DatasetsPage() {
  const { projectId } = useParams<{ projectId: string }>();
  usePageTitle('Datasets');
  useEffect(() => rememberProject(projectId), [projectId]);
  const q = useQuery(DatasetsDocument, { projectId });
  const [create, creating] = useMutation(CreateDatasetDocument);
  const [form, setForm] = useState({ name: '', kind: 'synthetic', location: '', stats: '' });
  const [formError, setFormError] = useState<string | null>(null);

  return (
    <>
      <h1>Datasets</h1>
      <DataState loading={q.loading} error={q.error} label="datasets" />
      {q.data && q.data.datasets.length === 0 ? <p className="empty">No dataset registered in this project yet.</p> : null}
      {q.data?.datasets.map((d) => {
        const s = readDatasetStats(d.stats);
        return (
          <section key={d.id} className="panel" aria-labelledby={`ds-${d.id}`} data-dataset-id={d.id}>
            <h2 id={`ds-${d.id}`} style={{ marginTop: 0 }}>
              {d.name} <span className="badge">{d.kind}</span>{' '}
              {d.status === 'uploading' ? <span className="badge">uploading</span> : null}
            </h2>
            <dl className="kv">
              <dt>id</dt>
              <dd className="mono">{d.id}</dd>
              <dt>content</dt>
              <dd data-testid="dataset-content">
                {d.storage === 'store'
                  ? `uploaded${d.fileName ? ` (${d.fileName})` : ''}, in the artifact store`
                  : d.storage === 's3'
                    ? `the S3 object ${d.location}`
                    : d.status === 'uploading'
                      ? `upload in progress: ${formatBytes(d.receivedBytes)} of ${formatBytes(d.sizeBytes)}`
                      : 'none (a catalogue entry; runs cannot use it)'}
              </dd>
              {d.storage !== 's3' && d.location ? (
                <>
                  <dt>location</dt>
                  <dd className="mono">{d.location}</dd>
                </>
              ) : null}
              {d.sizeBytes != null ? (
                <>
                  <dt>size</dt>
                  <dd data-testid="dataset-size">{formatBytes(d.sizeBytes)}</dd>
                </>
              ) : null}
              {d.sha256 ? (
                <>
                  <dt>sha256</dt>
                  <dd className="mono" data-testid="dataset-sha256" title={d.sha256}>
                    {d.sha256}
                  </dd>
                </>
              ) : null}
              {d.statsWindow ? (
                <>
                  <dt>stats windows</dt>
                  <dd className="mono">{d.statsWindow}</dd>
                </>
              ) : null}
              <dt>registered</dt>
              <dd>{new Date(d.createdAt).toLocaleString()}</dd>
              {s ? (
                <>
                  <dt>windows</dt>
                  <dd>{s.totals.windows}</dd>
                  <dt>rows</dt>
                  <dd>{formatNumber(s.totals.rows, 0)}</dd>
                  <dt>label rate</dt>
                  <dd>{formatNumber(s.totals.labelRate, 4)}</dd>
                  <dt>malformed rows</dt>
                  <dd>{s.totals.badRows}</dd>
                </>
              ) : null}
            </dl>
            {s && s.windows.length > 0 ? (
              <>
                <div className="grid" style={{ marginTop: '0.75rem' }}>
                  <LineChart
                    title="Drift per window (PSI vs previous window)"
                    xLabel="window"
                    yLabel="PSI"
                    series={[
                      { label: 'categorical PSI', points: s.windows.map((w) => ({ x: w.index, y: w.psi })), color: '#7b2cbf' },
                      { label: 'dense PSI', points: s.windows.map((w) => ({ x: w.index, y: w.densePsi })), color: '#0b7285' },
                    ]}
                    height={220}
                  />
                  <LineChart
                    title="Label rate and new-id share per window"
                    xLabel="window"
                    yLabel="share"
                    series={[
                      { label: 'label rate', points: s.windows.map((w) => ({ x: w.index, y: w.labelRate })), color: '#1f5fa8' },
                      { label: 'new-id row share', points: s.windows.map((w) => ({ x: w.index, y: w.newIdRowShare })), color: '#d9480f' },
                    ]}
                    height={220}
                  />
                </div>
                <details style={{ marginTop: '0.75rem' }}>
                  <summary>Per-window table ({s.windows.length} windows)</summary>
                  <div className="table-scroll">
                    <table className="data">
                      <thead>
                        <tr>
                          <th scope="col">window</th>
                          <th scope="col" className="num">rows</th>
                          <th scope="col" className="num">label rate</th>
                          <th scope="col" className="num">new-id share</th>
                          <th scope="col" className="num">PSI</th>
                          <th scope="col" className="num">dense PSI</th>
                          <th scope="col" className="num">bad rows</th>
                        </tr>
                      </thead>
                      <tbody>
                        {s.windows.map((w) => (
                          <tr key={w.index}>
                            <th scope="row" className="mono">
                              {w.index} · {w.id}
                            </th>
                            <td className="num">{w.rows}</td>
                            <td className="num">{formatNumber(w.labelRate, 4)}</td>
                            <td className="num">{formatNumber(w.newIdRowShare, 4)}</td>
                            <td className="num">{formatNumber(w.psi, 4)}</td>
                            <td className="num">{formatNumber(w.densePsi, 4)}</td>
                            <td className="num">{w.badRows}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </details>
              </>
            ) : (
              <p className="muted">No per-window statistics stored for this dataset.</p>
            )}
          </section>
        );
      })}

      <form
        className="panel"
        onSubmit={async (e) => {
          e.preventDefault();
          setFormError(null);
          let stats: unknown = undefined;
          if (form.stats.trim()) {
            try {
              stats = JSON.parse(form.stats);
            } catch (err) {
              setFormError(`stats is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
              return;
            }
          }
          try {
            await create({ input: { projectId, name: form.name.trim(), kind: form.kind, location: form.location.trim() || null, stats } });
            setForm({ name: '', kind: 'synthetic', location: '', stats: '' });
            await q.refetch();
          } catch (err) {
            setFormError(err instanceof Error ? err.message : String(err));
          }
        }}
      >
        <h2 style={{ marginTop: 0 }}>Register a dataset</h2>
        <p className="muted">
          To give runs a data file, upload it: <code>driftprune dataset push FILE --project {projectId} --kind csv|criteo|avazu</code> (resumable,
          sha256-checked), then use <code>data.dataset: &lt;id&gt;</code> in the experiment. This form records a catalogue entry only.
        </p>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="ds-name">Name</label>
            <input id="ds-name" type="text" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="ds-kind">Kind</label>
            <select id="ds-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
              {SOURCE_KINDS.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="ds-location">Location</label>
            <input id="ds-location" type="text" value={form.location} onChange={(e) => setForm({ ...form, location: e.target.value })} placeholder="/data/criteo/day_0.gz" />
          </div>
        </div>
        <div className="field">
          <label htmlFor="ds-stats">Statistics (JSON, optional)</label>
          <textarea id="ds-stats" rows={4} value={form.stats} onChange={(e) => setForm({ ...form, stats: e.target.value })} aria-describedby="ds-stats-help" />
          <p id="ds-stats-help" className="help">
            The stream statistics of the data package (computeStats): windows with rows, labelRate, newIdRowShare, psi, densePsi.
          </p>
        </div>
        {formError || creating.error ? (
          <p role="alert" className="error">
            {formError ?? creating.error?.message}
          </p>
        ) : null}
        <button type="submit" disabled={creating.loading || !form.name.trim()}>
          Register dataset
        </button>
      </form>
    </>
  );
}
