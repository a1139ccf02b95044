'use client';
// One sweep: its progress (runs stopped early included, each with why), the Pareto front of accuracy gap against
// serving cost with the best point under a budget, parameter importance, and parallel coordinates over its runs.
// Every figure comes from the API (Sweep.paretoFront, bestUnderBudget, parameterImportance, parallelCoordinates), so
// automation gets what this page shows; the choices (cost, batch, budget, seeds grouped) are in the URL.
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useParams } from 'next/navigation';
import { Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useSubscription } from '../../../lib/api/hooks.js';
import { rememberProject } from '../../../lib/current-project.js';
import { usePageTitle } from '../../../lib/page-title.js';
import {
  RunUpdatedDocument,
  SweepBestUnderBudgetDocument,
  SweepImportanceDocument,
  SweepPageDocument,
  SweepParallelDocument,
  SweepParetoDocument,
  type ServingCost,
  type SweepMetric,
} from '../../../gql/graphql.js';
import { DataState } from '../../../components/ui/DataState.js';
import { StatusBadge } from '../../../components/ui/Status.js';
import { ParetoChart } from '../../../components/sweep/ParetoChart.js';
import { ParallelCoordinates } from '../../../components/sweep/ParallelCoordinates.js';
import { formatNumber } from '../../../lib/runs/stats.js';
import { downloadText, fileSlug, toCsv } from '../../../lib/export.js';

const COSTS: { value: ServingCost; label: string; unit: string; latency: boolean }[] = [
  { value: 'P99_MS' as ServingCost, label: 'p99 latency', unit: 'ms', latency: true },
  { value: 'P50_MS' as ServingCost, label: 'p50 latency', unit: 'ms', latency: true },
  { value: 'FLOPS' as ServingCost, label: 'serving FLOPs per example', unit: 'FLOPs', latency: false },
  { value: 'FLOPS_RATIO' as ServingCost, label: 'serving FLOPs / dense FLOPs', unit: '×', latency: false },
];
const METRICS: { value: SweepMetric; label: string }[] = [
  { value: 'MEAN_DELTA_NE_PCT' as SweepMetric, label: 'mean ΔNE %' },
  { value: 'MAX_DELTA_NE_PCT' as SweepMetric, label: 'max ΔNE %' },
  { value: 'MEAN_NE_SERVING' as SweepMetric, label: 'mean serving NE' },
  { value: 'MEAN_SERVING_FLOPS_RATIO' as SweepMetric, label: 'mean serving FLOPs ×' },
  { value: 'SERVING_SPEEDUP' as SweepMetric, label: 'serving speed-up ×' },
  { value: 'WALL_SEC' as SweepMetric, label: 'wall s' },
];

function positiveNumber(s: string | null): number | null {
  if (s === null || s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function SweepPage() {
  const { sweepId } = useParams<{ sweepId: string }>();
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const cost = (COSTS.find((c) => c.value === search.get('cost'))?.value ?? COSTS[0].value) as ServingCost;
  const costInfo = COSTS.find((c) => c.value === cost)!;
  const batchSize = positiveNumber(search.get('batch'));
  const budget = positiveNumber(search.get('budget'));
  const groupSeeds = search.get('seeds') !== 'each';
  const metric = (METRICS.find((m) => m.value === search.get('metric'))?.value ?? METRICS[0].value) as SweepMetric;
  const setParam = (k: string, v: string | null) => {
    const q = new URLSearchParams(search.toString());
    if (v === null || v === '') q.delete(k);
    else q.set(k, v);
    const s = q.toString();
    router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
  };
  const [budgetText, setBudgetText] = useState(budget === null ? '' : String(budget));

  const page = useQuery(SweepPageDocument, { id: sweepId });
  const sweep = page.data?.sweep;
  usePageTitle(sweep ? `sweep ${sweep.name}` : null);
  useEffect(() => {
    if (sweep) rememberProject(sweep.experiment.projectId);
  }, [sweep?.experiment.projectId]);
  const pareto = useQuery(SweepParetoDocument, { id: sweepId, cost, batchSize: batchSize === null ? undefined : Math.round(batchSize), groupSeeds });
  const best = useQuery(
    SweepBestUnderBudgetDocument,
    { id: sweepId, cost, budget: budget ?? 0, batchSize: batchSize === null ? undefined : Math.round(batchSize), groupSeeds },
    { skip: budget === null },
  );
  const importance = useQuery(SweepImportanceDocument, { id: sweepId, metric });
  const parallel = useQuery(SweepParallelDocument, { id: sweepId });

  // A run of this sweep changed status: every figure may have changed; fetch them again (at most every 2 s).
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refetchAll = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void page.refetch();
      void pareto.refetch();
      if (budget !== null) void best.refetch();
      void importance.refetch();
      void parallel.refetch();
    }, 2000);
  };
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  const lastStatus = useRef(new Map<string, string>());
  const live = useSubscription(
    RunUpdatedDocument,
    { projectId: sweep?.experiment.projectId ?? '' },
    (d) => {
      const u = d.runUpdated;
      if (u.sweepId !== sweepId) return;
      if (lastStatus.current.get(u.id) !== u.status) {
        lastStatus.current.set(u.id, u.status);
        refetchAll();
      }
    },
    { skip: !sweep },
  );

  const front = pareto.data?.sweep?.paretoFront;
  const bestPoint = best.data?.sweep?.bestUnderBudget ?? null;
  const points = useMemo(() => front?.points ?? [], [front]);
  if (!sweep) return <DataState loading={page.loading} error={page.error} missing={page.data?.sweep === null} label="the sweep" />;
  const projectId = sweep.experiment.projectId;
  const es = sweep.earlyStopping as { rule?: string; metric?: string; minWindow?: number; minPeers?: number; reductionFactor?: number } | null;
  const costText = `${costInfo.label}${costInfo.latency && front?.batchSize ? ` at batch ${front.batchSize}` : ''} (${costInfo.unit})`;
  const exportPareto = (format: 'csv' | 'json') => {
    const rows = points.map((p) => ({ label: p.label, n: p.n, gapPct: p.gapPct, gapStd: p.gapStd, cost: p.cost, costStd: p.costStd, onFront: p.onFront, runIds: p.runIds.join(' ') }));
    const name = `${fileSlug(sweep.name)}-pareto.${format}`;
    if (format === 'csv') downloadText(name, toCsv(Object.keys(rows[0] ?? { label: '' }).map((key) => ({ key })), rows), 'text/csv');
    else downloadText(name, JSON.stringify({ sweepId, cost, batchSize: front?.batchSize ?? null, groupSeeds, points: rows }, null, 2), 'application/json');
  };

  return (
    <>
      <div className="breadcrumbs">
        <Link href={`/projects/${projectId}`}>Experiments</Link> / <Link href={`/experiments/${sweep.experiment.id}`}>{sweep.experiment.name}</Link> /
      </div>
      <div className="page-head">
        <h1>sweep {sweep.name}</h1>
        <StatusBadge status={sweep.status} />
        <span className="muted">{live.connected ? 'live' : 'connecting…'}</span>
      </div>
      <section className="panel" aria-label="Sweep progress">
        <dl className="kv">
          <dt>method</dt>
          <dd>
            {sweep.method}
            {sweep.search ? ` — ${sweep.search.points} of ${sweep.search.samples} points proposed (${sweep.search.initialSamples} random first, then from the completed ones)` : ''}
          </dd>
          <dt>runs</dt>
          <dd className="mono" data-testid="sweep-counts">
            {sweep.total} total: {sweep.queued} queued · {sweep.running} running · {sweep.succeeded} succeeded · {sweep.stopped} stopped early · {sweep.failed} failed ·{' '}
            {sweep.cancelled} cancelled
          </dd>
          <dt>seeds</dt>
          <dd className="mono">{sweep.seeds.join(', ')}</dd>
          <dt>early stopping</dt>
          <dd data-testid="early-stopping-rule">
            {es?.rule
              ? `${es.rule} rule on the running mean of ${es.metric === 'ne' ? 'serving NE' : 'ΔNE %'}, from window ${es.minWindow ?? '—'}, with at least ${es.minPeers ?? '—'} peers${es.rule === 'asha' ? `, keeping the best 1/${es.reductionFactor} at each rung` : ''}`
              : 'none'}
          </dd>
        </dl>
      </section>

      {sweep.stoppedRuns.totalCount > 0 ? (
        <section aria-label="Runs stopped early">
          <h2>Stopped early ({sweep.stoppedRuns.totalCount})</h2>
          <ul className="stopped-list" data-testid="stopped-runs">
            {sweep.stoppedRuns.nodes.map((r) => (
              <li key={r.id}>
                <Link href={`/runs/${r.id}`}>{r.name}</Link> — {r.earlyStop?.reason ?? 'stopped early'}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-label="Pareto front">
        <h2>Accuracy vs serving cost</h2>
        <div className="toolbar">
          <div className="field" style={{ marginBottom: 0 }}>
            <label htmlFor="pareto-cost">Cost</label>
            <select id="pareto-cost" value={cost} onChange={(e) => setParam('cost', e.target.value)}>
              {COSTS.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          {costInfo.latency ? (
            <div className="field" style={{ marginBottom: 0 }}>
              <label htmlFor="pareto-batch">Batch size</label>
              <input id="pareto-batch" type="number" min={1} step={1} placeholder={front?.batchSize ? String(front.batchSize) : 'most measured'} value={batchSize ?? ''} onChange={(e) => setParam('batch', e.target.value)} style={{ width: '8rem' }} />
            </div>
          ) : null}
          <label className="field-inline">
            <input type="checkbox" checked={groupSeeds} onChange={(e) => setParam('seeds', e.target.checked ? null : 'each')} /> one point per set of swept values (mean over seeds)
          </label>
          <form
            className="field"
            style={{ marginBottom: 0 }}
            onSubmit={(e) => {
              e.preventDefault();
              setParam('budget', budgetText.trim());
            }}
          >
            <label htmlFor="pareto-budget">Budget ({costInfo.unit})</label>
            <span className="field-inline">
              <input id="pareto-budget" type="number" min={0} step="any" value={budgetText} onChange={(e) => setBudgetText(e.target.value)} style={{ width: '8rem' }} />
              <button type="submit" className="secondary">
                Best under budget
              </button>
            </span>
          </form>
          <span className="export-buttons">
            <button type="button" className="secondary" disabled={points.length === 0} onClick={() => exportPareto('csv')}>
              Export CSV
            </button>
            <button type="button" className="secondary" disabled={points.length === 0} onClick={() => exportPareto('json')}>
              Export JSON
            </button>
          </span>
        </div>
        {pareto.error ? (
          <p role="alert" className="error">
            {pareto.error.message}
          </p>
        ) : null}
        {budget !== null ? (
          <p className="best-under-budget" data-testid="best-under-budget" role="status">
            {best.loading ? (
              'Looking for the best point under the budget…'
            ) : best.error ? (
              <span className="error">{best.error.message}</span>
            ) : bestPoint ? (
              <>
                Best under {formatNumber(budget, 4)} {costInfo.unit}:{' '}
                <Link href={bestPoint.runIds.length === 1 ? `/runs/${bestPoint.runIds[0]}` : `/projects/${projectId}/compare?runs=${bestPoint.runIds.join(',')}`}>
                  <strong>{bestPoint.label}</strong>
                </Link>{' '}
                — mean ΔNE {formatNumber(bestPoint.gapPct)} %{bestPoint.gapStd != null ? ` ± ${formatNumber(bestPoint.gapStd)}` : ''}, {costInfo.label} {formatNumber(bestPoint.cost)}{' '}
                {costInfo.unit} (n={bestPoint.n})
              </>
            ) : (
              <>No point has {costInfo.label} at most {formatNumber(budget, 4)} {costInfo.unit}.</>
            )}
          </p>
        ) : null}
        <ParetoChart points={points} costLabel={costText} projectId={projectId} logCost={cost === 'FLOPS'} budget={budget} bestKey={bestPoint?.key ?? null} />
        {front && front.excludedRuns > 0 ? <p className="muted">{front.excludedRuns} succeeded run(s) left out: no serving figure at this batch size or no summary.</p> : null}
        {front && front.front.length > 0 ? (
          <div className="table-scroll" style={{ marginTop: '0.5rem' }}>
            <table className="data" data-testid="pareto-front">
              <caption className="sr-only">The Pareto front, cheapest first</caption>
              <thead>
                <tr>
                  <th scope="col">on the front, cheapest first</th>
                  <th scope="col" className="num">
                    mean ΔNE %
                  </th>
                  <th scope="col" className="num">
                    {costInfo.label} ({costInfo.unit})
                  </th>
                  <th scope="col" className="num">
                    runs
                  </th>
                </tr>
              </thead>
              <tbody>
                {points
                  .filter((p) => p.onFront)
                  .sort((a, b) => a.cost - b.cost)
                  .map((p) => (
                    <tr key={p.key} className={p.key === bestPoint?.key ? 'best-row' : undefined}>
                      <th scope="row">{p.label}</th>
                      <td className="num">
                        {formatNumber(p.gapPct)}
                        {p.gapStd != null ? ` ± ${formatNumber(p.gapStd)}` : ''}
                      </td>
                      <td className="num">
                        {formatNumber(p.cost)}
                        {p.costStd != null ? ` ± ${formatNumber(p.costStd)}` : ''}
                      </td>
                      <td className="num">{p.n}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <section aria-label="Parameter importance">
        <h2>Parameter importance</h2>
        <div className="toolbar">
          <div className="field" style={{ marginBottom: 0 }}>
            <label htmlFor="importance-metric">Explaining</label>
            <select id="importance-metric" value={metric} onChange={(e) => setParam('metric', e.target.value)}>
              {METRICS.map((m) => (
                <option key={m.value} value={m.value}>
                  {m.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <ImportanceBars result={importance.data?.sweep?.parameterImportance ?? null} />
      </section>

      <section aria-label="Parallel coordinates">
        <h2>All runs across parameters and figures</h2>
        {parallel.data?.sweep ? <ParallelCoordinates dimensions={parallel.data.sweep.parallelCoordinates.dimensions} rows={parallel.data.sweep.parallelCoordinates.rows} /> : <p className="muted">Loading…</p>}
      </section>
    </>
  );
}

function ImportanceBars({ result }: { result: { runs: number; parameters: readonly { path: string; importance: number; etaSquared: number; share: number; levels: readonly { label: string; n: number; mean: number }[] }[] } | null }) {
  if (!result) return <p className="muted">Loading…</p>;
  if (result.parameters.length === 0) return <p className="empty">Not enough succeeded runs to tell ({result.runs}).</p>;
  return (
    <div data-testid="parameter-importance">
      <p className="definition">
        ω² = the share of the figure&apos;s variance across {result.runs} runs that a parameter&apos;s values explain, corrected for chance (0 = none, 1 = all). Main effects only;
        a parameter that matters only together with another shows little here.
      </p>
      <ul className="importance">
        {result.parameters.map((p) => (
          <li key={p.path}>
            <span className="mono importance-name">{p.path}</span>
            <span className="importance-bar" aria-hidden="true">
              <span style={{ width: `${Math.max(0, Math.min(1, p.importance)) * 100}%` }} />
            </span>
            <span className="num">ω² {formatNumber(p.importance, 3)}</span>
            <span className="muted importance-levels">{p.levels.map((l) => `${l.label}: ${formatNumber(l.mean, 3)} (n=${l.n})`).join(' · ')}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default function SweepPageWithParams() {
  return (
    <Suspense>
      <SweepPage />
    </Suspense>
  );
}
