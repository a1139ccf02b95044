'use client';
// Workers: alive or not (heartbeat within 30 s), backend and device, and what each is running now.
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { useQuery } from '../../lib/api/hooks.js';
import { WorkersDocument } from '../../gql/graphql.js';
import { DataState } from '../../components/ui/DataState.js';
import { usePageTitle } from '../../lib/page-title.js';

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

export default function WorkersPage() {
  usePageTitle('Workers');
  const q = useQuery(WorkersDocument, {}, { pollMs: 5000 });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const workers = q.data?.workers ?? [];
  const alive = workers.filter((w) => w.alive);
  return (
    <>
      <h1>Workers</h1>
      <p className="muted">
        {alive.length} alive of {workers.length} known. Refreshes every 5 s.
      </p>
      <DataState loading={q.loading && !q.data} error={q.error} label="workers" />
      {q.data && workers.length === 0 ? <p className="empty">No worker has registered yet. Start one with npm start or the worker app.</p> : null}
      {workers.length > 0 ? (
        <div className="table-scroll">
          <table className="data" data-testid="workers">
            <thead>
              <tr>
                <th scope="col">worker</th>
                <th scope="col">state</th>
                <th scope="col">heartbeat</th>
                <th scope="col">backend</th>
                <th scope="col">device</th>
                <th scope="col" className="num">concurrency</th>
                <th scope="col">current job</th>
                <th scope="col">started</th>
              </tr>
            </thead>
            <tbody>
              {workers.map((w) => (
                <tr key={w.id} data-alive={w.alive}>
                  <th scope="row" className="mono">
                    {w.host}:{w.pid}
                    <div className="muted">{w.id}</div>
                  </th>
                  <td>
                    <span className={`badge ${w.alive ? 'badge-succeeded' : w.stoppedAt ? 'badge-cancelled' : 'badge-failed'}`}>
                      {w.alive ? 'alive' : w.stoppedAt ? 'stopped' : 'lost'}
                    </span>
                  </td>
                  <td>{ago(w.heartbeatAt, now)}</td>
                  <td>{w.backend}</td>
                  <td>{w.device}</td>
                  <td className="num">{w.concurrency}</td>
                  <td>
                    {w.activeRuns.length === 0 ? (
                      <span className="muted">idle</span>
                    ) : (
                      w.activeRuns.map((id) => (
                        <div key={id}>
                          <Link href={`/runs/${id}`} className="mono">
                            {id.slice(0, 8)}
                          </Link>
                        </div>
                      ))
                    )}
                  </td>
                  <td>{new Date(w.startedAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
