'use client';
// Workers: alive, draining or not (heartbeat within 30 s), each host's load, backend, device and labels, and what
// each is running now. Load, labels and drain come from the worker's live state (gone once it stopped or was lost).
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
  const draining = alive.filter((w) => w.draining);
  // busy (live state in Redis) and activeRuns (the Postgres heartbeat) are written by two timers: the larger is current
  const running = (w: (typeof workers)[number]) => Math.max(w.busy, w.activeRuns.length);
  const busy = alive.reduce((n, w) => n + running(w), 0);
  const slots = alive.filter((w) => !w.draining).reduce((n, w) => n + w.concurrency, 0);
  return (
    <>
      <h1>Workers</h1>
      <p className="muted">
        {alive.length} alive of {workers.length} known{draining.length ? `, ${draining.length} draining` : ''}; {busy} {busy === 1 ? 'run' : 'runs'} in progress, {slots} run {slots === 1 ? 'slot' : 'slots'} open to new runs.
        Refreshes every 5 s.
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
                <th scope="col" className="num">load</th>
                <th scope="col" className="num">memory free</th>
                <th scope="col">backend</th>
                <th scope="col">device</th>
                <th scope="col">labels</th>
                <th scope="col" className="num">runs / slots</th>
                <th scope="col">current job</th>
                <th scope="col">started</th>
              </tr>
            </thead>
            <tbody>
              {workers.map((w) => (
                <tr key={w.id} data-alive={w.alive} data-draining={w.draining}>
                  <th scope="row" className="mono">
                    {w.host}:{w.pid}
                    <div className="muted">{w.id}</div>
                  </th>
                  <td>
                    <span className={`badge ${w.alive ? (w.draining ? 'badge-running' : 'badge-succeeded') : w.stoppedAt ? 'badge-cancelled' : 'badge-failed'}`}>
                      {w.alive ? (w.draining ? 'draining' : 'alive') : w.stoppedAt ? 'stopped' : 'lost'}
                    </span>
                    {w.draining && w.drainingSince ? <div className="muted">since {ago(w.drainingSince, now)}</div> : null}
                  </td>
                  <td>{ago(w.heartbeatAt, now)}</td>
                  <td className="num" title={w.load ? `1-minute load average on ${w.load.cpus} CPUs` : undefined}>
                    {w.load ? `${w.load.load1.toFixed(2)} / ${w.load.cpus}` : <span className="muted">–</span>}
                  </td>
                  <td className="num" title={w.load ? `worker process ${w.load.rssMb} MiB resident` : undefined}>
                    {w.load ? `${(w.load.memFreeMb / 1024).toFixed(1)} of ${(w.load.memTotalMb / 1024).toFixed(1)} GiB` : <span className="muted">–</span>}
                  </td>
                  <td>{w.backend}</td>
                  <td>{w.device}</td>
                  <td>
                    {w.labels.length ? (
                      w.labels.map((l) => (
                        <span key={l} className="badge" style={{ marginRight: 4 }}>
                          {l}
                        </span>
                      ))
                    ) : (
                      <span className="muted">–</span>
                    )}
                  </td>
                  <td className="num">
                    {running(w)} / {w.concurrency}
                  </td>
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
