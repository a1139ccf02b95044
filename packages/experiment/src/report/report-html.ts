// The self-contained run report: summary, NE per window per model, ΔNE% with refresh markers, per-layer widths
// over refreshes, serving latency. Everything is inline (SVG + CSS), so the file can be mailed or archived.
import type { RefreshEvent, RunSummary, ServingEval, WindowMetric } from '../types.js';
import { countedDeltaNEPct } from '../metrics/metrics.js';
import { barChart, lineChart, PALETTE } from './svg-chart.js';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const num = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v.toFixed(d)).toString());

export interface ReportInput {
  title: string;
  config: unknown;
  summary: RunSummary;
  metrics: WindowMetric[];
  refreshes: RefreshEvent[];
  serving: ServingEval[];
}

export function reportHtml(r: ReportInput): string {
  // Windows without an NE (one label class) are gaps in the lines.
  const byModel = (role: string) => r.metrics.filter((m) => m.model === role).map((m) => ({ x: m.window, y: m.ne ?? NaN }));
  const ne = lineChart({
    title: 'NE per window (evaluated before training on the window)',
    xLabel: 'window',
    yLabel: 'NE',
    series: [
      { name: 'dense', points: byModel('dense'), color: PALETTE[0] },
      { name: 'serving', points: byModel('serving'), color: PALETTE[1] },
    ],
    markers: r.refreshes.map((f) => ({ x: f.servesFromWindow ?? f.window + 1, label: `refresh after window ${f.window} (${f.trigger})` })),
  });
  const deltas: { x: number; y: number }[] = [];
  for (const s of r.metrics.filter((m) => m.model === 'serving')) {
    const d = r.metrics.find((m) => m.model === 'dense' && m.window === s.window);
    // Windows left out of the headline figures are gaps here too.
    if (d) deltas.push({ x: s.window, y: countedDeltaNEPct(s, d) ?? NaN });
  }
  const delta = lineChart({
    title: 'ΔNE% of the serving model against dense (vertical lines: refreshes, effective from the next window)',
    xLabel: 'window',
    yLabel: 'ΔNE %',
    series: [{ name: 'ΔNE %', points: deltas, color: PALETTE[1] }],
    markers: r.refreshes.map((f) => ({ x: f.servesFromWindow ?? f.window + 1, label: `refresh after window ${f.window} (${f.trigger}), Jaccard ${num(f.jaccard)}` })),
  });
  const layers = [...new Set(r.refreshes.flatMap((f) => Object.keys(f.widths)))];
  const widths = lineChart({
    title: 'Kept width per layer at each refresh (neurons, or weights when unstructured)',
    xLabel: 'window of the refresh',
    yLabel: 'kept',
    series: layers.map((name, i) => ({ name, color: PALETTE[i % PALETTE.length], points: r.refreshes.map((f) => ({ x: f.window, y: f.widths[name] })) })),
  });
  const lastW = r.serving.length ? Math.max(...r.serving.map((e) => e.window)) : -1;
  const last = r.serving.filter((e) => e.window === lastW);
  const sizes = [...new Set(last.map((e) => e.batchSize))].sort((a, b) => a - b);
  const lat = (role: string, key: 'p50Ms' | 'p99Ms') => sizes.map((b) => last.find((e) => e.model === role && e.batchSize === b)?.[key] ?? NaN);
  const latency = barChart({
    title: `Serving latency in onnxruntime-node (evaluation at window ${lastW})`,
    yLabel: 'ms per batch',
    groups: sizes.map((b) => `batch ${b}`),
    series: [
      { name: 'dense p50', values: lat('dense', 'p50Ms'), color: PALETTE[0] },
      { name: 'dense p99', values: lat('dense', 'p99Ms'), color: '#9ecae1' },
      { name: 'serving p50', values: lat('serving', 'p50Ms'), color: PALETTE[1] },
      { name: 'serving p99', values: lat('serving', 'p99Ms'), color: '#fc9272' },
    ],
  });
  const s = r.summary;
  const rows: [string, string][] = [
    ['paradigm', s.paradigm],
    ['windows', String(s.windows)],
    ['mean ΔNE %', num(s.meanDeltaNEPct)],
    ['max ΔNE %', num(s.maxDeltaNEPct)],
    ['serving FLOPs / dense', num(s.servingFlopsRatio)],
    ['serving params / dense', num(s.servingParamsRatio)],
    ['serving speed-up (largest batch)', num(s.servingSpeedup, 2)],
    ['refreshes', String(s.refreshes)],
    ['training compute (FLOPs, MLPs + interaction)', s.trainingFlops.toExponential(3)],
    ['training compute with embedding updates (FLOPs)', s.totalTrainingFlops == null ? '—' : s.totalTrainingFlops.toExponential(3)],
    ['serving FLOPs / dense, averaged over windows served', num(s.meanServingFlopsRatio)],
    ['serving speed-up, averaged over windows served', num(s.meanServingSpeedup, 2)],
    ['peak memory of the live models (MB)', s.peakModelBytes == null ? '—' : num(s.peakModelBytes / 1e6, 1)],
    ['time in refreshes (s)', num(s.refreshWallSec, 2)],
    ['parity max |p_onnx − p_engine|', s.parityMaxAbsDiff == null ? '—' : s.parityMaxAbsDiff.toExponential(2)],
    ['wall time (s)', num(s.wallSec, 1)],
  ];
  const servingTable = r.serving
    .map((e) => `<tr><td>${e.window}</td><td>${e.model}</td><td>${e.batchSize}</td><td>${num(e.p50Ms, 4)}</td><td>${num(e.p99Ms, 4)}</td><td>${Math.round(e.samplesPerSec)}</td><td>${e.parityMaxAbsDiff.toExponential(2)}</td></tr>`)
    .join('');
  const refreshTable = r.refreshes
    .map((f) => `<tr><td>${f.window}</td><td>${f.servesFromWindow ?? f.window + 1}</td><td>${esc(f.trigger)}</td><td>${num(f.jaccard)}</td><td>${num(f.flopsRatio)}</td><td>${esc(Object.entries(f.widths).map(([k, v]) => `${k}:${v}`).join(' '))}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;max-width:1000px;color:#222}
table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}
figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:11px;fill:#444}.grid{stroke:#eee}.marker{stroke:#999;stroke-dasharray:4 3}
.legend span{margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:12px}.empty{color:#888}
</style></head><body>
<h1>${esc(r.title)}</h1>
<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
${ne}
${delta}
${widths}
${latency}
<h2>Refreshes</h2>
<table><tr><th>window</th><th>serves from window</th><th>trigger</th><th>Jaccard to previous</th><th>FLOPs ratio</th><th>widths</th></tr>${refreshTable}</table>
<h2>Serving evaluations</h2>
<table><tr><th>window</th><th>model</th><th>batch</th><th>p50 ms</th><th>p99 ms</th><th>samples/s</th><th>parity</th></tr>${servingTable}</table>
<h2>Configuration</h2>
<pre>${esc(JSON.stringify(r.config, null, 2))}</pre>
</body></html>
`;
}
