// Standalone SVG figures for docs/results/ (styles inline, so they render as <img> on any viewer): forest plots of
// estimates with CIs, line plots with bands, markers, a shaded warm-up and refresh rugs, and scatter plots.

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const n1 = (v: number) => (Math.round(v * 10) / 10).toString();

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

function svg(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function extent(values: number[], pad = 0.06, include: number[] = []): [number, number] {
  const vs = [...values, ...include].filter(Number.isFinite);
  if (!vs.length) return [0, 1];
  let [lo, hi] = [Math.min(...vs), Math.max(...vs)];
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

export interface ForestRow {
  label: string;
  /** Rows of one group share a heading line above them. */
  group?: string;
  mean: number;
  lo: number | null;
  hi: number | null;
  color?: string;
  hollow?: boolean;
  /** Printed right of the plot, e.g. "9/10 seeds". */
  note?: string;
}

/** Estimates with CI whiskers, one row each, and a reference line at 0. */
export function forestPlot(o: { title: string; xLabel: string; rows: ForestRow[]; width?: number }): string {
  const W = o.width ?? 760;
  const L = 230;
  const R = 120;
  const rowH = 18;
  const lines: ({ kind: 'group'; text: string } | { kind: 'row'; row: ForestRow })[] = [];
  let group: string | undefined;
  for (const row of o.rows) {
    if (row.group !== undefined && row.group !== group) lines.push({ kind: 'group', text: row.group });
    group = row.group;
    lines.push({ kind: 'row', row });
  }
  const top = 32;
  const H = top + lines.length * rowH + 44;
  const [x0, x1] = extent(o.rows.flatMap((r) => [r.mean, r.lo ?? r.mean, r.hi ?? r.mean]), 0.06, [0]);
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const body: string[] = [];
  const bottom = top + lines.length * rowH + 4;
  for (const t of niceTicks(x0, x1, 6)) {
    body.push(`<line x1="${n1(sx(t))}" x2="${n1(sx(t))}" y1="${top}" y2="${bottom}" stroke="#e5e5e5"/>`);
    body.push(`<text x="${n1(sx(t))}" y="${bottom + 14}" text-anchor="middle">${fmt(t)}</text>`);
  }
  body.push(`<line x1="${n1(sx(0))}" x2="${n1(sx(0))}" y1="${top}" y2="${bottom}" stroke="#444" stroke-dasharray="3,3"/>`);
  lines.forEach((l, i) => {
    const y = top + i * rowH + rowH / 2;
    if (l.kind === 'group') {
      body.push(`<text x="6" y="${n1(y + 4)}" font-weight="bold">${esc(l.text)}</text>`);
      return;
    }
    const r = l.row;
    const c = r.color ?? PALETTE[0];
    body.push(`<text x="${L - 8}" y="${n1(y + 4)}" text-anchor="end">${esc(r.label)}</text>`);
    if (r.lo !== null && r.hi !== null) body.push(`<line x1="${n1(sx(r.lo))}" x2="${n1(sx(r.hi))}" y1="${n1(y)}" y2="${n1(y)}" stroke="${c}" stroke-width="2"/>`);
    body.push(`<circle cx="${n1(sx(r.mean))}" cy="${n1(y)}" r="4" fill="${r.hollow ? '#fff' : c}" stroke="${c}" stroke-width="1.5"/>`);
    if (r.note) body.push(`<text x="${W - R + 8}" y="${n1(y + 4)}" fill="#555">${esc(r.note)}</text>`);
  });
  body.push(`<text x="${n1((L + W - R) / 2)}" y="${H - 8}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  return svg(W, H, o.title, body);
}

export interface LineSeries {
  name: string;
  color: string;
  points: { x: number; y: number; lo?: number | null; hi?: number | null }[];
  dashed?: boolean;
}

/** Lines with optional bands, vertical markers, a shaded region and rugs (one row of ticks per named series). */
export function linePlot(o: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  markers?: { x: number; label: string }[];
  shade?: { from: number; to: number; label: string };
  rugs?: { name: string; color: string; ticks: { x: number; weight: number }[] }[];
  width?: number;
  height?: number;
}): string {
  const W = o.width ?? 760;
  const rugs = o.rugs ?? [];
  const H = (o.height ?? 320) + rugs.length * 10;
  const P = { l: 58, r: 150, t: 28, b: 40 + rugs.length * 10 };
  const pts = o.series.flatMap((s) => s.points);
  const [x0, x1] = extent([...pts.map((p) => p.x), ...(o.shade ? [o.shade.from, o.shade.to] : [])], 0.02);
  const [y0, y1] = extent(pts.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]), 0.06, [0]);
  const sx = (x: number) => P.l + ((x - x0) / (x1 - x0)) * (W - P.l - P.r);
  const sy = (y: number) => H - P.b - ((y - y0) / (y1 - y0)) * (H - P.t - P.b);
  const body: string[] = [];
  if (o.shade)
    body.push(
      `<rect x="${n1(sx(o.shade.from))}" y="${P.t}" width="${n1(sx(o.shade.to) - sx(o.shade.from))}" height="${n1(H - P.b - P.t)}" fill="#f0f0f0"/>`,
      `<text x="${n1((sx(o.shade.from) + sx(o.shade.to)) / 2)}" y="${P.t + 12}" text-anchor="middle" fill="#777">${esc(o.shade.label)}</text>`,
    );
  for (const t of niceTicks(y0, y1)) {
    body.push(`<line x1="${P.l}" x2="${W - P.r}" y1="${n1(sy(t))}" y2="${n1(sy(t))}" stroke="#e5e5e5"/>`);
    body.push(`<text x="${P.l - 4}" y="${n1(sy(t) + 4)}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1, 10).filter((t) => Number.isInteger(t)))
    body.push(`<text x="${n1(sx(t))}" y="${H - P.b + 14}" text-anchor="middle">${t}</text>`);
  if (y0 < 0 && y1 > 0) body.push(`<line x1="${P.l}" x2="${W - P.r}" y1="${n1(sy(0))}" y2="${n1(sy(0))}" stroke="#888"/>`);
  for (const m of o.markers ?? [])
    body.push(`<line x1="${n1(sx(m.x))}" x2="${n1(sx(m.x))}" y1="${P.t}" y2="${H - P.b}" stroke="#999" stroke-dasharray="4,3"><title>${esc(m.label)}</title></line>`);
  for (const s of o.series) {
    const band = s.points.filter((p) => p.lo != null && p.hi != null);
    if (band.length > 1) {
      const upper = band.map((p) => `${n1(sx(p.x))},${n1(sy(p.hi!))}`);
      const lower = band.map((p) => `${n1(sx(p.x))},${n1(sy(p.lo!))}`).reverse();
      body.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${s.color}" fill-opacity="0.15" stroke="none"/>`);
    }
    body.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''} points="${s.points.map((p) => `${n1(sx(p.x))},${n1(sy(p.y))}`).join(' ')}"/>`);
  }
  rugs.forEach((r, i) => {
    const y = H - P.b + 22 + i * 10;
    for (const t of r.ticks) body.push(`<line x1="${n1(sx(t.x))}" x2="${n1(sx(t.x))}" y1="${y}" y2="${y + 7}" stroke="${r.color}" stroke-width="3" stroke-opacity="${n1(Math.max(0.1, t.weight))}"/>`);
  });
  o.series.forEach((s, i) => {
    const y = P.t + 10 + i * 16;
    body.push(`<line x1="${W - P.r + 10}" x2="${W - P.r + 30}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
    body.push(`<text x="${W - P.r + 34}" y="${y + 4}">${esc(s.name)}</text>`);
  });
  // Two lines: one would run past the legend column's 150 px.
  if (rugs.length) body.push(`<text x="${W - P.r + 24}" y="${H - P.b + 27}" fill="#555">ticks: a new serving</text>`, `<text x="${W - P.r + 24}" y="${H - P.b + 40}" fill="#555">model after the window</text>`);
  body.push(`<text x="${n1((P.l + W - P.r) / 2)}" y="${H - 6}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  body.push(`<text x="14" y="${n1((P.t + H - P.b) / 2)}" text-anchor="middle" transform="rotate(-90 14 ${n1((P.t + H - P.b) / 2)})">${esc(o.yLabel)}</text>`);
  return svg(W, H, o.title, body);
}

/** Points with vertical CI whiskers and labels. */
export function scatterPlot(o: { title: string; xLabel: string; yLabel: string; points: { x: number; y: number; lo?: number | null; hi?: number | null; label: string; color: string }[]; width?: number; height?: number }): string {
  const W = o.width ?? 760;
  const H = o.height ?? 360;
  const P = { l: 58, r: 20, t: 28, b: 40 };
  const [x0, x1] = extent(o.points.map((p) => p.x), 0.1);
  const [y0, y1] = extent(o.points.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]), 0.08, [0]);
  const sx = (x: number) => P.l + ((x - x0) / (x1 - x0)) * (W - P.l - P.r);
  const sy = (y: number) => H - P.b - ((y - y0) / (y1 - y0)) * (H - P.t - P.b);
  const body: string[] = [];
  for (const t of niceTicks(y0, y1)) {
    body.push(`<line x1="${P.l}" x2="${W - P.r}" y1="${n1(sy(t))}" y2="${n1(sy(t))}" stroke="#e5e5e5"/>`);
    body.push(`<text x="${P.l - 4}" y="${n1(sy(t) + 4)}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1, 8)) body.push(`<text x="${n1(sx(t))}" y="${H - P.b + 14}" text-anchor="middle">${fmt(t)}</text>`);
  if (y0 < 0 && y1 > 0) body.push(`<line x1="${P.l}" x2="${W - P.r}" y1="${n1(sy(0))}" y2="${n1(sy(0))}" stroke="#888"/>`);
  for (const p of o.points) {
    if (p.lo != null && p.hi != null) body.push(`<line x1="${n1(sx(p.x))}" x2="${n1(sx(p.x))}" y1="${n1(sy(p.lo))}" y2="${n1(sy(p.hi))}" stroke="${p.color}" stroke-width="1.5"/>`);
    body.push(`<circle cx="${n1(sx(p.x))}" cy="${n1(sy(p.y))}" r="4" fill="${p.color}"/>`);
    body.push(`<text x="${n1(sx(p.x) + 6)}" y="${n1(sy(p.y) - 6)}" fill="${p.color}">${esc(p.label)}</text>`);
  }
  body.push(`<text x="${n1((P.l + W - P.r) / 2)}" y="${H - 6}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  body.push(`<text x="14" y="${n1((P.t + H - P.b) / 2)}" text-anchor="middle" transform="rotate(-90 14 ${n1((P.t + H - P.b) / 2)})">${esc(o.yLabel)}</text>`);
  return svg(W, H, o.title, body);
}
