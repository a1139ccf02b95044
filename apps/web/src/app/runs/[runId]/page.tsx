'use client';
// One run, live: status and progress from runUpdated, new window metrics from windowMetricAdded, and the charts,
// refresh log, serving numbers, artifacts, config and logs.
import Link from 'next/link';
import { useParams, useRouter, useSearchParams } from 'next/navigation';
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
import { RunAnnotations } from '../../../components/run/RunAnnotations.js';
import { usePageTitle } from '../../../lib/page-title.js';
import { median } from '../../../lib/charts/series.js';
import { denseLayerWidths, mergeMetricPoints } from '../../../lib/charts/run-series.js';
import type { Point } from '../../../lib/charts/series.js';
import { formatNumber } from '../../../lib/runs/stats.js';
import { runTimeline } from '../../../lib/runs/timeline.js';
import { windowLabel } from '../../../lib/runs/window-label.js';

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
        .catch(() => undefined); // the next window tries again
    }, 2000);
  };
  // Refreshes and serving numbers are written between windows: each new window (an event of the subscription, not a
  // poll) fetches them again, at most once a second.
  const refetchRunTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refetchRunSoon = () => {
    if (refetchRunTimer.current) return;
    refetchRunTimer.current = setTimeout(() => {
      refetchRunTimer.current = null;
      void q.refetch();
    }, 1000);
  };
  useEffect(() => () => void (refetchRunTimer.current && clearTimeout(refetchRunTimer.current)), []);
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
      refetchRunSoon();
      // Downsampled series are buckets: a raw window doesn't fit them, so fetch the series again instead.
      if (downsampled || points.length >= 2 * maxPoints) return refetchSeriesSoon();
      setPoints((ps) => mergeMetricPoints(ps, [{ ...m, windowEnd: m.window, count: 1, rows: m.rows }]));
    },
    { skip: !run || !active },
  );

  const denseWidths = useMemo(() => denseLayerWidths(run?.config), [run?.config]);
  const info = (run?.progressInfo ?? null) as ProgressInfo | null;
  const windowText = run ? windowLabel(run.status, info) : null;
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

  const router = useRouter();
  usePageTitle(run?.name);
  const servingNote = useMemo(() => speedupNote(run?.servingEvals ?? [], run?.config), [run?.servingEvals, run?.config]);
  if (!run) return <DataState loading={q.loading} error={q.error} missing={q.data?.run === null} label="the run" />;
  const swept = Object.entries((run.params ?? {}) as Record<string, unknown>);
  const failedEmpty = run.status === 'failed' && points.length === 0;

  return (
    <>
      <div className="breadcrumbs">
        <Link href={`/projects/${run.projectId}`}>Experiments</Link> / <Link href={`/experiments/${run.experiment.id}`}>{run.experiment.name}</Link>
        {run.sweep ? (
          <>
            {' '}
            / <Link href={`/sweeps/${run.sweep.id}`}>sweep {run.sweep.name}</Link>
          </>
        ) : null}{' '}
        /
      </div>
      <div className="page-head">
        <h1>{run.name}</h1>
        <StatusBadge status={run.status} />
        {run.tags.map((t) => (
          <span key={t} className="tag">
            {t}
          </span>
        ))}
        <span className="muted mono">{run.id}</span>
      </div>
      {swept.length > 0 ? (
        <ul className="swept" aria-label="Swept values of this run" data-testid="swept-values">
          {swept.map(([k, v]) => (
            <li key={k}>
              <span className="mono">{k}</span> = <strong>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</strong>
            </li>
          ))}
        </ul>
      ) : null}
      {run.notes ? <p className="notes">{run.notes}</p> : null}
      <section className="panel" aria-label="Progress">
        <div className="toolbar" style={{ marginTop: 0 }}>
          <ProgressBar value={run.progress} label="run progress" />
          {windowText ? <span data-testid="run-window">{windowText}</span> : null}
          {info?.samplesPerSec ? <span>{formatNumber(info.samplesPerSec, 0)} samples/s</span> : null}
          {info?.etaSec != null && active ? <span>ETA {Math.round(info.etaSec)} s</span> : null}
          <span className="muted">{active ? (runLive.connected ? 'live' : 'connecting…') : ''}</span>
          {active ? (
            <button
              type="button"
              className="danger"
              disabled={cancelling.loading || run.cancelRequested}
              onClick={async () => {
                await cancel({ id: run.id }).catch(() => null); // shown below as cancelling.error
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
                await retry({ id: run.id }).catch(() => null);
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
                [servingNote.label, summary.servingSpeedup],
                ['refreshes', summary.refreshes],
                ['wall s', summary.wallSec],
              ] as const
            ).map(([k, v]) => (
              <div className="card" key={k}>
                <div className="muted">{k}</div>
                <div className="stat">{typeof v === 'number' ? formatNumber(v) : '—'}</div>
                {k === servingNote.label && servingNote.median ? <div className="muted" data-testid="speedup-median">{servingNote.median}</div> : null}
              </div>
            ))}
          </div>
        ) : null}
        {summary ? (
          <p className="definition">
            ΔNE % = 100 × (NE serving / NE dense − 1) per window, warm-up windows excluded; positive = the pruned serving model predicts worse. Speed-up = dense p50 latency /
            sparse p50 latency; below 1 is a slow-down.
          </p>
        ) : null}
        {run.earlyStop ? (
          <p className="early-stop" data-testid="early-stop" role="status">
            <strong>{run.earlyStop.reason}</strong>
            {run.earlyStop.value != null && run.earlyStop.threshold != null
              ? ` — its running ${run.earlyStop.metric === 'ne' ? 'serving NE' : 'ΔNE %'} ${formatNumber(run.earlyStop.value)} against ${formatNumber(run.earlyStop.threshold)} over ${run.earlyStop.peers} peer${run.earlyStop.peers === 1 ? '' : 's'}. Its windows up to ${run.earlyStop.window} are kept in the charts below; a stopped run has no summary figures.`
              : ''}
          </p>
        ) : null}
        {run.warnings.map((w) => (
          <p role="alert" className="error" data-testid="run-warning" key={w.code}>
            {w.code}: {w.message}
          </p>
        ))}
        {run.error && !failedEmpty ? (
          <p role="alert" className="error" data-testid="run-error">
            {run.error}
          </p>
        ) : null}
        {failedEmpty ? (
          <div className="failed-panel" role="alert" data-testid="run-failed">
            <strong>
              This run failed before it wrote any window{run.attempts > 1 ? ` (after ${run.attempts} attempts)` : ''}.
            </strong>
            <pre data-testid="run-error">{run.error ?? 'no error was recorded'}</pre>
            <p className="muted">See the Logs tab for what happened before; Retry queues it again.</p>
          </div>
        ) : null}
      </section>

      <Tabs
        label="Run details"
        tabs={[
          {
            id: 'charts',
            label: 'Charts',
            content: failedEmpty ? (
              <p className="empty">No charts: the run failed before its first window (the error is above).</p>
            ) : (
              <RunCharts
                points={points}
                refreshes={run.refreshes}
                servingEvals={run.servingEvals}
                trainThroughput={trainSeries}
                trainThroughputLabel={throughput.length > 0 ? 'training samples/s (live)' : 'average training samples/s'}
                denseWidths={denseWidths}
                downsampled={meta?.downsampled ? { bucketSize: meta.bucketSize, totalPoints: meta.totalPoints } : null}
                iterations={servingNote.iterations}
              />
            ),
          },
          { id: 'refreshes', label: `Refresh log (${run.refreshes.length})`, content: <RefreshLog refreshes={run.refreshes} /> },
          { id: 'artifacts', label: `Artifacts (${run.artifacts.length})`, content: <ArtifactList artifacts={run.artifacts} /> },
          {
            id: 'notes',
            label: 'Name, tags, notes',
            content: (
              <RunAnnotations
                run={run}
                onSaved={(u) => q.setData((prev) => (prev?.run ? { ...prev, run: { ...prev.run, ...u } } : prev))}
                onDeleted={() => router.push(`/experiments/${run.experiment.id}`)}
              />
            ),
          },
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

/**
 * What the summary's speed-up is: dense p50 / sparse p50 at the largest batch size on the last evaluated window, one
 * timing of `iterations` iterations; with the median of that ratio over every evaluated window next to it.
 */
function speedupNote(evals: readonly { window: number; model: string; batchSize: number; p50Ms: number }[], config: unknown) {
  const iterations = ((config as { evaluation?: { serving?: { iterations?: number } } } | null)?.evaluation?.serving?.iterations ?? null) as number | null;
  const batch = evals.length ? Math.max(...evals.map((e) => e.batchSize)) : null;
  const label = batch === null ? 'serving speed-up × (p50)' : `serving speed-up × (p50, batch ${batch}, last window${iterations ? `, ${iterations} iterations` : ''})`;
  if (batch === null) return { label, median: null, iterations };
  const ratios: number[] = [];
  for (const w of new Set(evals.map((e) => e.window))) {
    const d = evals.find((e) => e.window === w && e.batchSize === batch && e.model === 'dense');
    const s = evals.find((e) => e.window === w && e.batchSize === batch && e.model === 'serving');
    if (d && s && s.p50Ms > 0) ratios.push(d.p50Ms / s.p50Ms);
  }
  const m = median(ratios);
  return { label, median: m === null || ratios.length < 2 ? null : `median over ${ratios.length} measured windows: ${formatNumber(m, 3)}×`, iterations };
}

export default function RunPageWithParams() {
  return (
    <Suspense>
      <RunPage />
    </Suspense>
  );
}
