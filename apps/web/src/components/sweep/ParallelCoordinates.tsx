'use client';
// Parallel coordinates over a sweep: one vertical axis per swept parameter and per figure, one line per run, coloured
// by the chosen figure (blue = low, orange = high). Drawn on a canvas in one pass (1,000 runs × 10 axes is ~10k line
// segments, a few milliseconds); axis labels and ticks are HTML so they stay sharp and readable. Stopped runs dashed.
import { useEffect, useMemo, useRef, useState } from 'react';
import { pcPositions, rampColor, type PcDimension } from '../../lib/charts/parallel.js';
import { formatNumber } from '../../lib/runs/stats.js';
import { paramLabel } from '../../lib/runs/param-menu.js';

export interface PcRow {
  runId: string;
  name: string;
  status: string;
  values: readonly unknown[];
}

const HEIGHT = 320;
const PAD = { top: 28, bottom: 36 };

export function ParallelCoordinates({ dimensions, rows }: { dimensions: readonly PcDimension[]; rows: readonly PcRow[] }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(720);
  const metricIdx = dimensions.map((d, i) => (d.role === 'metric' && d.kind === 'numeric' ? i : -1)).filter((i) => i >= 0);
  const [colorBy, setColorBy] = useState<number>(metricIdx[0] ?? -1);
  const positions = useMemo(() => pcPositions(dimensions, rows), [dimensions, rows]);
  const [drawMs, setDrawMs] = useState<number | null>(null);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(320, host.clientWidth)));
    ro.observe(host);
    return () => ro.disconnect();
  }, []);

  // Axes need room for their labels: a narrow screen scrolls the plot sideways inside its box instead of squeezing it.
  const plotWidth = Math.max(width, dimensions.length * 96);
  const xs = dimensions.map((_, i) => (dimensions.length === 1 ? plotWidth / 2 : 48 + (i * (plotWidth - 96)) / (dimensions.length - 1)));

  useEffect(() => {
    const c = canvasRef.current;
    if (!c) return;
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(plotWidth * dpr);
    c.height = Math.round(HEIGHT * dpr);
    c.style.width = `${plotWidth}px`;
    c.style.height = `${HEIGHT}px`;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, plotWidth, HEIGHT);
    const yOf = (t: number) => PAD.top + (1 - t) * (HEIGHT - PAD.top - PAD.bottom);
    ctx.strokeStyle = '#9aa5b1';
    ctx.lineWidth = 1;
    for (const x of xs) {
      ctx.beginPath();
      ctx.moveTo(x, PAD.top);
      ctx.lineTo(x, HEIGHT - PAD.bottom);
      ctx.stroke();
    }
    ctx.lineWidth = rows.length > 300 ? 0.8 : 1.4;
    const alpha = rows.length > 300 ? 0.35 : 0.7;
    rows.forEach((r, k) => {
      const pos = positions[k];
      const t = colorBy >= 0 ? pos[colorBy] : null;
      ctx.strokeStyle = t === null ? `rgba(120, 120, 120, ${alpha})` : rampColor(t, alpha);
      ctx.setLineDash(r.status === 'stopped' ? [4, 3] : []);
      ctx.beginPath();
      let pen = false;
      pos.forEach((p, i) => {
        if (p === null) {
          pen = false;
          return;
        }
        if (pen) ctx.lineTo(xs[i], yOf(p));
        else ctx.moveTo(xs[i], yOf(p));
        pen = true;
      });
      ctx.stroke();
    });
    ctx.setLineDash([]);
    setDrawMs(performance.now() - t0);
  }, [positions, rows, colorBy, plotWidth, xs.join(',')]);

  if (dimensions.length === 0 || rows.length === 0) return <p className="empty">No run to draw yet.</p>;
  const tickText = (d: PcDimension, top: boolean) => {
    if (d.kind === 'categorical') return null;
    const v = top ? d.max : d.min;
    return v === null || v === undefined ? '' : formatNumber(v, 3);
  };
  return (
    <figure className="chart" data-chart="Parallel coordinates" data-points={rows.length} data-draw-ms={drawMs === null ? '' : drawMs.toFixed(1)}>
      <figcaption>
        <span className="chart-title">Parallel coordinates ({rows.length} runs)</span>
        {metricIdx.length ? (
          <label className="field-inline chart-note">
            colour by{' '}
            <select value={colorBy} onChange={(e) => setColorBy(Number(e.target.value))} aria-label="Colour lines by">
              {metricIdx.map((i) => (
                <option key={i} value={i}>
                  {dimensions[i].key}
                </option>
              ))}
            </select>
            <span aria-hidden="true" className="ramp" /> low → high; dashed = stopped early
          </label>
        ) : null}
      </figcaption>
      <div ref={hostRef} className="pc-scroll">
        <div className="pc-plot" style={{ width: plotWidth, height: HEIGHT }}>
          <canvas ref={canvasRef} role="img" aria-label={`Parallel coordinates of ${rows.length} runs over ${dimensions.map((d) => d.key).join(', ')}`} />
          {dimensions.map((d, i) => (
            <div key={d.key} className="pc-axis" style={{ left: xs[i] }}>
              <span className={`pc-label ${d.role}`} title={d.key}>
                {d.role === 'param' ? paramLabel(d.key, false) : d.key}
              </span>
              {d.kind === 'categorical' ? (
                (d.categories ?? []).map((c, j, all) => (
                  <span key={c} className="pc-tick" style={{ top: PAD.top + (1 - (all.length === 1 ? 0.5 : j / (all.length - 1))) * (HEIGHT - PAD.top - PAD.bottom) }}>
                    {c}
                  </span>
                ))
              ) : (
                <>
                  <span className="pc-tick" style={{ top: PAD.top }}>
                    {tickText(d, true)}
                  </span>
                  <span className="pc-tick" style={{ top: HEIGHT - PAD.bottom }}>
                    {tickText(d, false)}
                  </span>
                </>
              )}
            </div>
          ))}
        </div>
      </div>
    </figure>
  );
}
