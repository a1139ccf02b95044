'use client';
// A project's experiments: search by name, sort, paginate, and the project's run counts by status.
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useQuery } from '../../../lib/api/hooks.js';
import { rememberProject } from '../../../lib/current-project.js';
import { ProjectExperimentsDocument, ProjectRunCountsDocument, type ExperimentSortField, type SortDirection } from '../../../gql/graphql.js';
import { DataState } from '../../../components/ui/DataState.js';
import { ProgressBar, StatusBadge } from '../../../components/ui/Status.js';
import { PARADIGMS } from '@driftprune/config';
import { usePageTitle } from '../../../lib/page-title.js';
import { experimentParadigms } from '../../../lib/paradigms.js';

const PAGE = 25;

export default function ExperimentsPage() {
  const { projectId } = useParams<{ projectId: string }>();
  usePageTitle('Experiments');
  useEffect(() => rememberProject(projectId), [projectId]);
  const [search, setSearch] = useState('');
  const [debounced, setDebounced] = useState('');
  const [paradigm, setParadigm] = useState('');
  const [sort, setSort] = useState<`${ExperimentSortField}:${SortDirection}`>('CREATED_AT:DESC');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(search.trim()), 250);
    return () => clearTimeout(t);
  }, [search]);
  useEffect(() => setCursors([null]), [debounced, paradigm, sort]);

  const [field, direction] = sort.split(':') as [ExperimentSortField, SortDirection];
  const q = useQuery(ProjectExperimentsDocument, {
    projectId,
    first: PAGE,
    after: cursors[cursors.length - 1],
    filter: { ...(debounced ? { nameContains: debounced } : {}), ...(paradigm ? { paradigm } : {}) },
    sort: { field, direction },
  });
  const counts = useQuery(ProjectRunCountsDocument, { projectId }, { pollMs: 5000 });
  const project = q.data?.project;
  const page = q.data?.experiments;

  return (
    <>
      <div className="page-head">
        <h1>{project ? project.name : 'Experiments'}</h1>
        <Link className="button" href={`/projects/${projectId}/submit/run`}>
          Submit run
        </Link>
        <Link className="button secondary" href={`/projects/${projectId}/submit/sweep`}>
          Submit sweep
        </Link>
      </div>
      {counts.data ? (
        <section aria-label="Runs by status" className="cards stats" style={{ marginBottom: '1rem' }}>
          {(['all', 'queued', 'running', 'succeeded', 'failed', 'cancelled'] as const).map((s) => (
            <div className="card" key={s}>
              <div className="muted">{s === 'all' ? 'runs' : s}</div>
              <div className="stat" data-status-count={s}>
                {counts.data![s].totalCount}
              </div>
            </div>
          ))}
        </section>
      ) : null}
      <div className="toolbar" role="search">
        <div className="field" style={{ marginBottom: 0 }}>
          <label htmlFor="exp-search">Search experiments</label>
          <input id="exp-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="name contains…" />
        </div>
        <div className="field" style={{ marginBottom: 0 }}>
          <label htmlFor="exp-paradigm">Paradigm</label>
          <select id="exp-paradigm" value={paradigm} onChange={(e) => setParadigm(e.target.value)}>
            <option value="">any</option>
            {PARADIGMS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </div>
        <div className="field" style={{ marginBottom: 0 }}>
          <label htmlFor="exp-sort">Sort by</label>
          <select id="exp-sort" value={sort} onChange={(e) => setSort(e.target.value as typeof sort)}>
            <option value="CREATED_AT:DESC">newest first</option>
            <option value="CREATED_AT:ASC">oldest first</option>
            <option value="NAME:ASC">name A→Z</option>
            <option value="NAME:DESC">name Z→A</option>
          </select>
        </div>
      </div>
      <DataState loading={q.loading && !q.data} error={q.error} label="experiments" />
      {page ? (
        <>
          <p className="muted">
            {page.totalCount} experiment{page.totalCount === 1 ? '' : 's'}
          </p>
          <div className="table-scroll">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Paradigm</th>
                  <th scope="col" className="num">
                    Runs
                  </th>
                  <th scope="col">Latest run</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {page.nodes.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <Link href={`/experiments/${e.id}`}>{e.name}</Link>
                      {e.description ? <div className="muted">{e.description}</div> : null}
                    </td>
                    <td>{experimentParadigms(e).join(', ')}</td>
                    <td className="num">{e.runCount}</td>
                    <td>
                      {e.latestRun ? (
                        <>
                          <StatusBadge status={e.latestRun.status} /> <ProgressBar value={e.latestRun.progress} label="latest run progress" />
                        </>
                      ) : (
                        <span className="muted">none</span>
                      )}
                    </td>
                    <td>{new Date(e.createdAt).toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="toolbar" aria-label="Pages">
            <button type="button" className="secondary" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              Previous
            </button>
            <span className="muted">page {cursors.length}</span>
            <button type="button" className="secondary" disabled={!page.pageInfo.hasNextPage} onClick={() => setCursors((c) => [...c, page.pageInfo.endCursor])}>
              Next
            </button>
          </nav>
        </>
      ) : null}
    </>
  );
}
