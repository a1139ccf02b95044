'use client';
// One run, live: status and progress from runUpdated, new window metrics from windowMetricAdded, and the charts,
// refresh log, serving numbers, artifacts, config and logs.
import Link from 'next/link';
import { useParams, useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { request } from '../../../lib/api/client.js';
import { useMutation, useQuery, useSubscription } from '../../../lib/api/hooks.js';
import { useApi } from '../../../lib/api/provider.js';
import { rememberProject } from '../../../lib/current-project.js';
import {
  CancelRunDocument,
  RetryRunDocument,
  RunDocument,
  RunMetricsDocument,
  RunUpdatedDocument,
  WindowMetricAddedDocument,
  type MetricPointFieldsFragment,
} from '../../../gql/graphql.js';
import { DataState } from '../../../components/ui/DataState.js';
import { ProgressBar, StatusBadge } from '../../../components/ui/Status.js';
import { RunCharts } from '../../../components/run/RunCharts.js';
import { RefreshLog } from '../../../components/run/RefreshLog.js';
import { Tabs } from '../../../components/run/Tabs.js';
import { ArtifactList } from '../../../components/run/ArtifactList.js';
import { denseLayerWidths, mergeMetricPoints } from '../../../lib/charts/run-series.js';
import type { Point } from '../../../lib/charts/series.js';
import { formatNumber } from '../../../lib/runs/stats.js';
import { runTimeline } from '../../../lib/runs/timeline.js';

/** Points per model asked of the server (it averages buckets of windows beyond that); `?maxPoints=` overrides. */
const MAX_POINTS = 2000;

interface SeriesMeta {
  totalPoints: number;
  downsampled: boolean;
  bucketSize: number;
}

interface ProgressInfo {
  window?: number;
  windows?: number | null;
  samplesDone?: number;
  samplesPerSec?: number;
  fraction?: number | null;
  etaSec?: number | null;
}

function RunPage() {
  const { runId } = useParams<{ runId: string }>();
  const asked = Number(useSearchParams().get('maxPoints'));
  const maxPoints = Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_POINTS) : MAX_POINTS;
  const q = useQuery(RunDocument, { id: runId, maxPoints });
  const run = q.data?.run;
  const [points, setPoints] = useState<MetricPointFieldsFragment[]>([]);
  const [meta, setMeta] = useState<SeriesMeta | null>(null);
  const [throughput, setThroughput] = useState<Point[]>([]);
  const { apiUrl, token } = useApi();
  const [cancel, cancelling] = useMutation(CancelRunDocument);
  const [retry, retrying] = useMutation(RetryRunDocument);

  useEffect(() => {
    if (run) rememberProject(run.projectId);
  }, [run?.projectId]);
  useEffect(() => {
    if (!run) return;
    setPoints(run.metrics.points);
    setMeta({ totalPoints: run.metrics.totalPoints, downsampled: run.metrics.downsampled, bucketSize: run.metrics.bucketSize });
  }, [run?.metrics]);

  const active = run?.status === 'queued' || run?.status === 'running';
  // At most one series refetch every 2 s however fast windows stream in (a trailing call catches the last ones).
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refetchSeriesSoon = () => {
    if (refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      void request(apiUrl, token, RunMetricsDocument, { runId, maxPoints })
        .then(({ runMetrics: m }) => {
          setPoints(m.points);
          setMeta({ totalPoints: m.totalPoints, downsampled: m.downsampled, bucketSize: m.bucketSize });
        })
        .catch(() => undefined); // the next window or the 15 s poll tries again
    }, 2000);
  };
  useEffect(() => () => void (refetchTimer.current && clearTimeout(refetchTimer.current)), []);
  const downsampled = meta?.downsampled ?? false;

  const runLive = useSubscription(
    RunUpdatedDocument,
    { projectId: run?.projectId ?? '', runId },
    (d) => {
      const u = d.runUpdated;
      q.setData((prev) => (prev?.run ? { ...prev, run: { ...prev.run, ...u } } : prev));
      const info = u.progressInfo as ProgressInfo | null;
      if (info && typeof info.samplesPerSec === 'number' && info.samplesPerSec > 0) {
        const x = (info.window ?? 0) + (info.windows && info.fraction != null ? info.fraction * info.windows - (info.window ?? 0) : 0);
        setThroughput((t) => (t.length > 0 && t[t.length - 1].x >= x ? t : [...t, { x, y: info.samplesPerSec! }]));
      }
      // A finished run has its refreshes, serving numbers and artifacts written: fetch them once.
      if (u.status !== 'queued' && u.status !== 'running') void q.refetch();
    },
    { skip: !run || !active },
  );
  useSubscription(
    WindowMetricAddedDocument,
    { runId },
    (d) => {
      const m = d.windowMetricAdded;
      // Downsampled series are buckets: a raw window doesn't fit them, so fetch the series again instead.
      if (downsampled || points.length >= 2 * maxPoints) return refetchSeriesSoon();
      setPoints((ps) => mergeMetricPoints(ps, [{ ...m, windowEnd: m.window, count: 1, rows: m.rows }]));
    },
    { skip: !run || !active },
  );
  // Refreshes and serving numbers arrive with new windows; poll them lightly while the run is live.
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => void q.refetch(), 15_000);
    return () => clearInterval(t);
  }, [active]);

  const denseWidths = useMemo(() => denseLayerWidths(run?.config), [run?.config]);
  const info = (run?.progressInfo ?? null) as ProgressInfo | null;
  const summary = (run?.summary ?? null) as Record<string, number | string | null> | null;
  const trainSeries = useMemo(() => {
    if (throughput.length > 0) return throughput;
    // Without live progress (a finished run), show the run's average: samples trained over wall time.
    const rows = (run?.metrics.points ?? []).filter((p) => p.model === 'dense').reduce((n, p) => n + p.rows * p.count, 0);
    const wall = typeof summary?.wallSec === 'number' ? summary.wallSec : null;
    if (!wall || rows === 0 || points.length === 0) return [];
    const xs = points.map((p) => p.window);
    const avg = rows / wall;
    return [
      { x: Math.min(...xs), y: avg },
      { x: Math.max(...xs), y: avg },
    ];
  }, [throughput, run?.metrics.points, summary, points]);

  if (!run) return <DataState loading={q.loading} error={q.error} missing={q.data?.run === null} label="the run" />;
  const cfg = run.config as { name?: string };

  return (
    <>
      <div className="breadcrumbs">
        <Link href={`/projects/${run.projectId}`}>Experiments</Link> / <Link href={`/experiments/${run.experiment.id}`}>{run.experiment.name}</Link>
        {run.sweep ? <> / sweep {run.sweep.name}</> : null} /
      </div>
      <div className="page-head">
        <h1>
          {cfg.name ?? 'run'} · seed {run.seed}
        </h1>
        <StatusBadge status={run.status} />
        <span className="muted mono">{run.id}</span>
      </div>
      <section className="panel" aria-label="Progress">
        <div className="toolbar" style={{ marginTop: 0 }}>
          <ProgressBar value={run.progress} label="run progress" />
          {info?.window !== undefined ? (
            <span>
              window {info.window + 1}
              {info.windows ? ` of ${info.windows}` : ''}
            </span>
          ) : null}
          {info?.samplesPerSec ? <span>{formatNumber(info.samplesPerSec, 0)} samples/s</span> : null}
          {info?.etaSec != null && active ? <span>ETA {Math.round(info.etaSec)} s</span> : null}
          <span className="muted">{active ? (runLive.connected ? 'live' : 'connecting…') : ''}</span>
          {active ? (
            <button
              type="button"
              className="danger"
              disabled={cancelling.loading || run.cancelRequested}
              onClick={async () => {
                await cancel({ id: run.id });
                await q.refetch();
              }}
            >
              {run.cancelRequested ? 'Cancelling…' : 'Cancel run'}
            </button>
          ) : null}
          {run.status === 'failed' || run.status === 'cancelled' ? (
            <button
              type="button"
              className="secondary"
              disabled={retrying.loading}
              onClick={async () => {
                await retry({ id: run.id });
                await q.refetch();
              }}
            >
              Retry
            </button>
          ) : null}
        </div>
        {cancelling.error || retrying.error ? (
          <p role="alert" className="error">
            {(cancelling.error ?? retrying.error)!.message}
          </p>
        ) : null}
        <dl className="kv">
          <dt>paradigm</dt>
          <dd>{run.paradigm}</dd>
          <dt>device</dt>
          <dd>{run.device}</dd>
          <dt>worker</dt>
          <dd className="mono">{run.workerId ?? '—'}</dd>
          <dt>attempts</dt>
          <dd>
            {run.attempts} of {run.maxAttempts}
          </dd>
          <dt>checkpoint</dt>
          <dd>{run.checkpointWindow >= 0 ? `window ${run.checkpointWindow}` : 'none yet'}</dd>
          <dt>queued / started / finished</dt>
          <dd>
            {new Date(run.queuedAt).toLocaleTimeString()} / {run.startedAt ? new Date(run.startedAt).toLocaleTimeString() : '—'} /{' '}
            {run.finishedAt ? new Date(run.finishedAt).toLocaleTimeString() : '—'}
          </dd>
        </dl>
        {summary ? (
          <div className="cards stats" style={{ marginTop: '0.75rem' }} aria-label="Summary">
            {(
              [
                ['mean ΔNE %', summary.meanDeltaNEPct],
                ['max ΔNE %', summary.maxDeltaNEPct],
                ['serving FLOPs ×', summary.servingFlopsRatio],
                ['serving params ×', summary.servingParamsRatio],
                ['serving speed-up ×', summary.servingSpeedup],
                ['refreshes', summary.refreshes],
                ['wall s', summary.wallSec],
              ] as const
            ).map(([k, v]) => (
              <div className="card" key={k}>
                <div className="muted">{k}</div>
                <div className="stat">{typeof v === 'number' ? formatNumber(v) : '—'}</div>
              </div>
            ))}
          </div>
        ) : null}
        {run.warnings.map((w) => (
          <p role="alert" className="error" data-testid="run-warning" key={w.code}>
            {w.code}: {w.message}
          </p>
        ))}
        {run.error ? (
          <p role="alert" className="error" data-testid="run-error">
            {run.error}
          </p>
        ) : null}
      </section>

      <Tabs
        label="Run details"
        tabs={[
          {
            id: 'charts',
            label: 'Charts',
            content: (
              <RunCharts
                points={points}
                refreshes={run.refreshes}
                servingEvals={run.servingEvals}
                trainThroughput={trainSeries}
                trainThroughputLabel={throughput.length > 0 ? 'training samples/s (live)' : 'average training samples/s'}
                denseWidths={denseWidths}
                downsampled={meta?.downsampled ? { bucketSize: meta.bucketSize, totalPoints: meta.totalPoints } : null}
              />
            ),
          },
          { id: 'refreshes', label: `Refresh log (${run.refreshes.length})`, content: <RefreshLog refreshes={run.refreshes} /> },
          { id: 'artifacts', label: `Artifacts (${run.artifacts.length})`, content: <ArtifactList artifacts={run.artifacts} /> },
          { id: 'config', label: 'Config', content: <pre data-testid="run-config">{JSON.stringify(run.config, null, 2)}</pre> },
          {
            id: 'logs',
            label: 'Logs',
            content: (
              <>
                <ol className="log" data-testid="run-log" aria-label="Run log">
                  {runTimeline(run).map((e, i) => (
                    <li key={i} className={`log-${e.level}`}>
                      <time dateTime={e.at}>{new Date(e.at).toLocaleTimeString()}</time> {e.message}
                    </li>
                  ))}
                </ol>
                <ArtifactList artifacts={run.artifacts.filter((a) => a.kind === 'log' || a.kind === 'report')} />
              </>
            ),
          },
        ]}
      />
    </>
  );
}

export default function RunPageWithParams() {
  return (
    <Suspense>
      <RunPage />
    </Suspense>
  );
}
