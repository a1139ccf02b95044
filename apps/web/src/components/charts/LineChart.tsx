'use client';
// A line chart on uPlot (canvas; draws 10k-point series quickly). Vertical markers show events such as refreshes.
import { useEffect, useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import { alignSeries, decimate, type Point } from '../../lib/charts/series.js';
import { formatNumber } from '../../lib/runs/stats.js';

export interface LineSeries {
  label: string;
  points: readonly Point[];
  color: string;
  dash?: number[];
  width?: number;
}

export interface ChartMarker {
  x: number;
  label: string;
}

export interface LineChartProps {
  title: string;
  series: readonly LineSeries[];
  xLabel: string;
  yLabel: string;
  markers?: readonly ChartMarker[];
  height?: number;
  /** A series longer than this is decimated in the browser (the API already downsamples; this is a guard). */
  maxPoints?: number;
  /** Text for screen readers; a summary of each series is added after it. */
  description?: string;
  /** Ends the y axis here (e.g. above one outlier); `note` says what the axis leaves out. */
  yMax?: { max: number; note: string } | null;
}

const NO_MARKERS: readonly ChartMarker[] = [];
const WHOLE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 2_500, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000];

export function LineChart({ title, series, xLabel, yLabel, markers = NO_MARKERS, height = 260, maxPoints = 10_000, description, yMax = null }: LineChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const drawn = useMemo(() => series.map((s) => ({ ...s, points: decimate(s.points, maxPoints) })), [series, maxPoints]);
  const data = useMemo(() => alignSeries(drawn.map((s) => s.points)), [drawn]);
  // uPlot loads asynchronously; the plot is created with the data current by then, not the data of the first render.
  const dataRef = useRef(data);
  dataRef.current = data;
  const totalPoints = drawn.reduce((n, s) => n + s.points.length, 0);
  const markerXs = useMemo(() => markers.map((m) => m.x), [markers]);
  // Read by the draw hook, so new markers need no rebuild.
  const markersRef = useRef<number[]>(markerXs);
  markersRef.current = markerXs;
  const yMaxRef = useRef<number | null>(yMax?.max ?? null);
  yMaxRef.current = yMax?.max ?? null;

  // (Re)build the plot when the set of series changes; plain data updates go through setData below.
  const shapeKey = drawn.map((s) => `${s.label}|${s.color}|${s.dash?.join(',') ?? ''}`).join(';') + `|${height}|${xLabel}|${yLabel}`;
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let disposed = false;
    let observer: ResizeObserver | null = null;
    void import('uplot').then(({ default: UPlot }) => {
      if (disposed) return;
      const markerPlugin: uPlot.Plugin = {
        hooks: {
          draw: [
            (u) => {
              const xs = markersRef.current;
              const ctx = u.ctx;
              ctx.save();
              ctx.strokeStyle = 'rgba(190, 60, 40, 0.75)';
              ctx.lineWidth = 1 * devicePixelRatio;
              ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
              for (const x of xs) {
                const px = u.valToPos(x, 'x', true);
                if (px < u.bbox.left || px > u.bbox.left + u.bbox.width) continue;
                ctx.beginPath();
                ctx.moveTo(px, u.bbox.top);
                ctx.lineTo(px, u.bbox.top + u.bbox.height);
                ctx.stroke();
              }
              ctx.restore();
            },
          ],
        },
      };
      const opts: uPlot.Options = {
        width: Math.max(280, host.clientWidth),
        height,
        plugins: [markerPlugin],
        // One window alone would get uPlot's default 0–100 range: widen it around the point instead.
        // The x range also covers every marker: a refresh inside hidden warm-up windows still shows at the left edge.
        scales: {
          x: {
            time: false,
            range: (_u, dataMin, dataMax) => {
              const xs = markersRef.current;
              const min = xs.length ? Math.min(dataMin ?? Infinity, ...xs) : dataMin;
              const max = xs.length ? Math.max(dataMax ?? -Infinity, ...xs) : dataMax;
              return min == null || max == null || !Number.isFinite(min) || !Number.isFinite(max) ? [0, 1] : min === max ? [min - 1, max + 1] : [min, max];
            },
          },
          y: {
            range: (_u, min, max) => {
              const cap = yMaxRef.current;
              const lo = min ?? 0;
              const hi = cap !== null && max != null && max > cap ? cap : (max ?? 1);
              const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
              return [lo - pad, hi + pad];
            },
          },
        },
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
        axes: [
          // x is a window index: ticks on whole windows only.
          { label: xLabel, stroke: '#444', grid: { stroke: '#eee' }, incrs: WHOLE_STEPS },
          { label: yLabel, stroke: '#444', grid: { stroke: '#eee' }, size: 64, values: (_u, vals) => vals.map((v) => formatNumber(v, 3)) },
        ],
        series: [
          { label: xLabel },
          ...drawn.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: s.width ?? 1.5,
            dash: s.dash,
            // Series of one chart may be sampled at different windows (serving starts after warm-up, buckets differ):
            // a window missing from one series is not a hole in it.
            spanGaps: true,
            points: { show: s.points.length <= 60 },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatNumber(v, 4)),
          })),
        ],
      };
      // No redraw right after construction: uPlot's first layout pass runs in a microtask, and drawing before it
      // finds axes without ticks computed.
      const plot = new UPlot(opts, dataRef.current as uPlot.AlignedData, host);
      plotRef.current = plot;
      observer = new ResizeObserver(() => plot.setSize({ width: Math.max(280, host.clientWidth), height }));
      observer.observe(host);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      plotRef.current?.destroy();
      plotRef.current = null;
    };
    // data and markers are pushed by the effect below; rebuilding on every point would flicker.
  }, [shapeKey]);

  useEffect(() => {
    const plot = plotRef.current;
    if (!plot) return;
    plot.setData(data as uPlot.AlignedData);
  }, [data, markerXs, yMax?.max]);

  const summary = drawn
    .map((s) => {
      const ys = s.points.map((p) => p.y).filter((y): y is number => y !== null && Number.isFinite(y));
      if (ys.length === 0) return `${s.label}: no data`;
      return `${s.label}: ${ys.length} points, min ${formatNumber(Math.min(...ys))}, max ${formatNumber(Math.max(...ys))}, last ${formatNumber(ys[ys.length - 1])}`;
    })
    .join('; ');

  return (
    <figure className="chart" data-chart={title} data-points={totalPoints} aria-label={title}>
      <figcaption>
        <span className="chart-title">{title}</span>
        {markers.length > 0 && <span className="chart-note">dashed lines: {markers.length} refresh{markers.length === 1 ? '' : 'es'}</span>}
        {yMax ? (
          <span className="chart-note" data-testid="axis-clipped">
            {yMax.note}
          </span>
        ) : null}
      </figcaption>
      {totalPoints === 0 ? <p className="empty">No data yet.</p> : null}
      <div ref={hostRef} className="chart-canvas" hidden={totalPoints === 0} />
      <p className="sr-only">
        {description ? `${description}. ` : ''}
        {summary}
      </p>
    </figure>
  );
}
