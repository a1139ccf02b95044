'use client';
// One experiment: its config, its sweeps with live counts, and the table of all its runs.
import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { useEffect, useMemo } from 'react';
import { request } from '../../../lib/api/client.js';
import { useMutation, useQuery } from '../../../lib/api/hooks.js';
import { useApi } from '../../../lib/api/provider.js';
import { rememberProject } from '../../../lib/current-project.js';
import { CancelRunDocument, CancelSweepDocument, ExperimentDocument, ExperimentRunsDocument } from '../../../gql/graphql.js';
import { DataState } from '../../../components/ui/DataState.js';
import { StatusBadge } from '../../../components/ui/Status.js';
import { RunsTable } from '../../../components/runs/RunsTable.js';
import { toRunRow } from '../../../components/runs/run-rows.js';
import { useLiveRuns } from '../../../components/runs/useLiveRuns.js';
import { usePageTitle } from '../../../lib/page-title.js';
import { ExperimentAnnotations } from '../../../components/forms/ExperimentAnnotations.js';
import { experimentParadigms } from '../../../lib/paradigms.js';

export default function ExperimentPage() {
  const { experimentId } = useParams<{ experimentId: string }>();
  const { apiUrl } = useApi();
  const exp = useQuery(ExperimentDocument, { id: experimentId }, { pollMs: 10_000 });
  const e = exp.data?.experiment;
  usePageTitle(e?.name);
  const router = useRouter();
  useEffect(() => {
    if (e) rememberProject(e.projectId);
  }, [e]);

  const live = useLiveRuns(
    e?.projectId,
    async (after, token) => {
      const d = await request(apiUrl, token, ExperimentRunsDocument, { id: experimentId, first: 200, after });
      if (!d.experiment) throw new Error(`experiment ${experimentId} not found`);
      return d.experiment.runs;
    },
    (u) => u.experimentId === experimentId,
    experimentId,
  );
  const rows = useMemo(() => live.runs.map(toRunRow), [live.runs]);
  // The sweeps' counts follow their runs: fetch them again when a run changes status.
  const statusKey = live.runs.map((r) => r.status).join(',');
  useEffect(() => {
    if (statusKey) void exp.refetch();
  }, [statusKey]);
  const [cancelRun] = useMutation(CancelRunDocument);
  const [cancelSweep] = useMutation(CancelSweepDocument);

  if (!e) return <DataState loading={exp.loading} error={exp.error} missing={exp.data?.experiment === null} label="the experiment" />;

  return (
    <>
      <div className="breadcrumbs">
        <Link href={`/projects/${e.projectId}`}>Experiments</Link> /
      </div>
      <div className="page-head">
        <h1>{e.name}</h1>
        {experimentParadigms(e).map((p) => (
          <span className="badge" key={p} data-testid="experiment-paradigm">
            {p}
          </span>
        ))}
        <Link className="button" href={`/projects/${e.projectId}/submit/run?experiment=${e.id}`}>
          Submit run
        </Link>
        <Link className="button secondary" href={`/projects/${e.projectId}/submit/sweep?experiment=${e.id}`}>
          Submit sweep
        </Link>
      </div>
      {e.tags.length ? (
        <p>
          {e.tags.map((t) => (
            <span key={t} className="tag">
              {t}
            </span>
          ))}
        </p>
      ) : null}
      {e.description ? <p>{e.description}</p> : null}
      <details className="panel" style={{ marginBottom: '1rem' }}>
        <summary>Rename, describe, tag or delete</summary>
        <ExperimentAnnotations
          experiment={e}
          onSaved={(u) => exp.setData((prev) => (prev?.experiment ? { ...prev, experiment: { ...prev.experiment, ...u } } : prev))}
          onDeleted={() => router.push(`/projects/${e.projectId}`)}
        />
      </details>

      <h2>Sweeps</h2>
      {e.sweeps.length === 0 ? (
        <p className="empty">No sweep yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Sweep</th>
                <th scope="col">Method</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Runs
                </th>
                <th scope="col">queued / running / succeeded / stopped early / failed / cancelled</th>
                <th scope="col">Seeds</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {e.sweeps.map((s) => (
                <tr key={s.id} data-sweep-id={s.id}>
                  <td>
                    <Link href={`/sweeps/${s.id}`}>{s.name}</Link>
                  </td>
                  <td>{s.method}</td>
                  <td>
                    <StatusBadge status={s.status} />
                  </td>
                  <td className="num">{s.total}</td>
                  <td className="mono">
                    {s.queued} / {s.running} / {s.succeeded} / {s.stopped} / {s.failed} / {s.cancelled}
                  </td>
                  <td className="mono">{s.seeds.join(', ')}</td>
                  <td>{new Date(s.createdAt).toLocaleString()}</td>
                  <td>
                    {s.status === 'queued' || s.status === 'running' ? (
                      <button
                        type="button"
                        className="secondary"
                        onClick={async () => {
                          await cancelSweep({ id: s.id }).catch(() => null);
                          await exp.refetch();
                        }}
                      >
                        Cancel sweep
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Runs</h2>
      <p className="muted" role="status">
        {live.loaded && live.loaded.done < live.loaded.total ? `Loading runs: ${live.loaded.done} of ${live.loaded.total}… ` : null}
        {live.live.connected ? 'Live updates on.' : 'Live updates connecting…'}
      </p>
      <DataState loading={live.loading && rows.length === 0} error={live.error} label="runs" />
      {/* Not before the first page of runs: an empty table (and empty groups) would claim there are none. */}
      {live.loading && rows.length === 0 ? null : (
        <RunsTable
          rows={rows}
          projectId={e.projectId}
          pinnedParams={['paradigm.kind', 'pruning.budget']}
          exportName={e.name}
          onCancel={async (id) => {
            await cancelRun({ id }).catch(() => null);
            await live.reload();
          }}
        />
      )}

      <details style={{ marginTop: '1.5rem' }}>
        <summary>Experiment config</summary>
        <pre>{JSON.stringify(e.config, null, 2)}</pre>
      </details>
    </>
  );
}
