'use client';
// The run's charts: NE dense vs serving, ΔNE% with refresh markers, per-layer widths over refreshes, serving latency
// and throughput dense vs sparse, and training throughput.
import { useMemo, useState } from 'react';
import { LineChart, type ChartMarker } from '../charts/LineChart.js';
import { WidthHeatmap } from '../charts/WidthHeatmap.js';
import { robustYMax, widthHeatmap, type Point } from '../../lib/charts/series.js';
import { latestServingTable, neSeries, servingBatchSizes, servingSeries, type MetricPointLike, type ServingEvalLike } from '../../lib/charts/run-series.js';
import { formatNumber } from '../../lib/runs/stats.js';

export const COLORS = { dense: '#1f5fa8', serving: '#d9480f', delta: '#7b2cbf', p99: '#2b8a3e', train: '#0b7285' };

export interface RunChartsProps {
  points: readonly MetricPointLike[];
  refreshes: readonly { window: number; trigger: string; widths: unknown }[];
  servingEvals: readonly ServingEvalLike[];
  /** Training throughput over the run: x = window, y = samples/s. */
  trainThroughput: readonly Point[];
  /** What the throughput series is: live progress samples, or the finished run's average. */
  trainThroughputLabel?: string;
  denseWidths: Record<string, number>;
  downsampled?: { bucketSize: number; totalPoints: number } | null;
  /** Timed iterations per serving measurement (evaluation.serving.iterations). */
  iterations?: number | null;
}

export function RunCharts({ points, refreshes, servingEvals, trainThroughput, trainThroughputLabel = 'training samples/s', denseWidths, downsampled, iterations }: RunChartsProps) {
  // Warm-up windows (dense only, untrained at first) are excluded from headline figures; hidden by default so the
  // first window's untrained NE does not flatten the rest of the curve.
  const [showWarmup, setShowWarmup] = useState(false);
  const warmupCount = useMemo(() => new Set(points.filter((p) => p.warmup).map((p) => p.window)).size, [points]);
  const ne = useMemo(() => neSeries(showWarmup ? points : points.filter((p) => !p.warmup)), [points, showWarmup]);
  const markers: ChartMarker[] = useMemo(() => refreshes.map((r) => ({ x: r.window, label: r.trigger })), [refreshes]);
  const heat = useMemo(
    () => widthHeatmap(refreshes.map((r) => ({ window: r.window, widths: (r.widths ?? {}) as Record<string, number> })), denseWidths),
    [refreshes, denseWidths],
  );
  const batchSizes = useMemo(() => servingBatchSizes(servingEvals), [servingEvals]);
  const [batch, setBatch] = useState<number | null>(null);
  const b = batch ?? batchSizes[batchSizes.length - 1] ?? null;
  const latency = useMemo(() => (b === null ? {} : servingSeries(servingEvals, b, 'p50Ms')), [servingEvals, b]);
  const latency99 = useMemo(() => (b === null ? {} : servingSeries(servingEvals, b, 'p99Ms')), [servingEvals, b]);
  const throughput = useMemo(() => (b === null ? {} : servingSeries(servingEvals, b, 'samplesPerSec')), [servingEvals, b]);
  const table = useMemo(() => latestServingTable(servingEvals), [servingEvals]);
  // One slow measurement (a GC pause, a busy host) must not flatten every other point against the axis floor.
  const latencyAxis = useMemo(() => {
    const all = [latency, latency99].flatMap((m) => Object.values(m).flatMap((ps) => ps.map((p) => p.y)));
    const r = robustYMax(all);
    return r ? { max: r.max, note: `axis ends at ${formatNumber(r.max, 2)} ms; ${r.above} slower measurement${r.above === 1 ? '' : 's'} above it (see the table)` } : null;
  }, [latency, latency99]);

  return (
    <>
      {downsampled ? (
        <p className="muted" data-testid="downsampled-note" data-total-points={downsampled.totalPoints}>
          {downsampled.totalPoints} stored metric rows shown as buckets of {downsampled.bucketSize} windows (averaged on the server).
        </p>
      ) : null}
      {warmupCount > 0 ? (
        <label className="field-inline" style={{ marginBottom: '0.5rem' }}>
          <input type="checkbox" checked={showWarmup} onChange={(e) => setShowWarmup(e.target.checked)} /> Show the {warmupCount} warm-up window
          {warmupCount === 1 ? '' : 's'} (dense only, excluded from headline figures)
        </label>
      ) : null}
      <p className="definition" data-testid="delta-ne-definition">
        <strong>ΔNE %</strong> = 100 × (NE<sub>serving</sub> / NE<sub>dense</sub> − 1) on each window, both models evaluated on the window before
        training on it. <strong>Positive = the pruned serving model predicts worse</strong> than the dense model; negative = better. Lower NE is better.
      </p>
      <div className="grid">
        <LineChart
          title="NE per window: dense vs serving"
          xLabel="window"
          yLabel="NE (lower is better)"
          series={[
            { label: 'dense', points: ne.dense, color: COLORS.dense },
            { label: 'serving', points: ne.serving, color: COLORS.serving },
          ]}
          markers={markers}
          description="Normalized entropy of each model on each window, evaluated before training on it"
        />
        <LineChart
          title="ΔNE % (serving vs dense) with refreshes"
          xLabel="window"
          yLabel="ΔNE % (+ = serving worse)"
          series={[{ label: 'ΔNE %', points: ne.delta, color: COLORS.delta }]}
          markers={markers}
          description="100 × (NE serving / NE dense − 1); dashed vertical lines mark refreshes of the serving model"
        />
      </div>
      <div style={{ marginTop: '1rem' }}>
        <WidthHeatmap heatmap={heat} />
      </div>
      <h3>Serving (ONNX, onnxruntime)</h3>
      {batchSizes.length > 0 ? (
        <div className="toolbar">
          <div className="field" style={{ marginBottom: 0 }}>
            <label htmlFor="serving-batch">Batch size</label>
            <select id="serving-batch" value={b ?? ''} onChange={(e) => setBatch(Number(e.target.value))}>
              {batchSizes.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          </div>
        </div>
      ) : null}
      <div className="grid">
        <LineChart
          title={`Serving latency, batch ${b ?? '—'}: dense vs sparse`}
          xLabel="window"
          yLabel="ms"
          yMax={latencyAxis}
          series={[
            { label: 'dense p50', points: latency.dense ?? [], color: COLORS.dense },
            { label: 'sparse p50', points: latency.serving ?? [], color: COLORS.serving },
            { label: 'dense p99', points: latency99.dense ?? [], color: COLORS.dense, dash: [5, 4] },
            { label: 'sparse p99', points: latency99.serving ?? [], color: COLORS.serving, dash: [5, 4] },
          ]}
          markers={markers}
        />
        <LineChart
          title={`Serving throughput, batch ${b ?? '—'}: dense vs sparse`}
          xLabel="window"
          yLabel="samples/s"
          series={[
            { label: 'dense', points: throughput.dense ?? [], color: COLORS.dense },
            { label: 'sparse', points: throughput.serving ?? [], color: COLORS.serving },
          ]}
          markers={markers}
        />
      </div>
      {table.rows.length > 0 ? (
        <div className="table-scroll" style={{ marginTop: '0.75rem' }}>
          <table className="data">
            <caption style={{ textAlign: 'left', padding: '0.4rem 0.6rem' }}>Latest serving measurement (window {table.window}; each cell one timing of {iterations ?? 'the configured'} iterations)</caption>
            <thead>
              <tr>
                <th scope="col" className="num">batch</th>
                <th scope="col" className="num">dense p50 ms</th>
                <th scope="col" className="num">sparse p50 ms</th>
                <th scope="col" className="num">dense p99 ms</th>
                <th scope="col" className="num">sparse p99 ms</th>
                <th scope="col" className="num">dense samples/s</th>
                <th scope="col" className="num">sparse samples/s</th>
                <th scope="col" className="num" title="dense p50 / sparse p50 at this batch size; below 1 is a slow-down">speed-up (p50, dense/sparse)</th>
              </tr>
            </thead>
            <tbody>
              {table.rows.map((r) => (
                <tr key={r.batchSize}>
                  <td className="num">{r.batchSize}</td>
                  <td className="num">{formatNumber(r.dense?.p50Ms)}</td>
                  <td className="num">{formatNumber(r.serving?.p50Ms)}</td>
                  <td className="num">{formatNumber(r.dense?.p99Ms)}</td>
                  <td className="num">{formatNumber(r.serving?.p99Ms)}</td>
                  <td className="num">{formatNumber(r.dense?.samplesPerSec, 0)}</td>
                  <td className="num">{formatNumber(r.serving?.samplesPerSec, 0)}</td>
                  <td className="num">{r.speedup === null ? '—' : `${r.speedup.toFixed(2)}×`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <h3>Training</h3>
      <LineChart
        title="Training throughput"
        xLabel="window"
        yLabel="samples/s"
        series={[{ label: trainThroughputLabel, points: trainThroughput, color: COLORS.train }]}
        markers={markers}
        height={220}
      />
    </>
  );
}
