// Minimal inline-SVG charts for the self-contained run report: line charts with optional vertical markers, and
// grouped bars. No scripts, no external assets: the HTML opens anywhere.

export interface Series {
  name: string;
  /** A non-finite y is a gap: the line stops before it and starts again after it. */
  points: { x: number; y: number }[];
  color: string;
}

const W = 640;
const H = 260;
const PAD = { l: 56, r: 12, t: 16, b: 36 };

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function ticks(min: number, max: number, n = 5): number[] {
  if (!(max > min)) return [min];
  const step = (max - min) / (n - 1);
  return Array.from({ length: n }, (_, i) => min + i * step);
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1e5) ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
}

export function lineChart(o: { title: string; xLabel: string; yLabel: string; series: Series[]; markers?: { x: number; label: string }[] }): string {
  const pts = o.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  if (!pts.length) return `<figure><figcaption>${esc(o.title)}</figcaption><p class="empty">no data</p></figure>`;
  let [x0, x1] = [Math.min(...pts.map((p) => p.x)), Math.max(...pts.map((p) => p.x))];
  let [y0, y1] = [Math.min(...pts.map((p) => p.y)), Math.max(...pts.map((p) => p.y))];
  if (x1 === x0) { x0 -= 1; x1 += 1; }
  if (y1 === y0) { y0 -= Math.abs(y0) * 0.1 + 1e-3; y1 += Math.abs(y1) * 0.1 + 1e-3; }
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((y - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const parts: string[] = [];
  for (const t of ticks(y0, y1)) parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${sy(t)}" y2="${sy(t)}" class="grid"/><text x="${PAD.l - 4}" y="${sy(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  // Windows are integers: label whole numbers only, at most about 8 of them.
  const xStep = Math.max(1, Math.ceil((x1 - x0) / 8));
  for (let t = Math.ceil(x0); t <= x1; t += xStep) parts.push(`<text x="${sx(t)}" y="${H - PAD.b + 14}" text-anchor="middle">${t}</text>`);
  for (const m of o.markers ?? [])
    parts.push(`<line x1="${sx(m.x)}" x2="${sx(m.x)}" y1="${PAD.t}" y2="${H - PAD.b}" class="marker"><title>${esc(m.label)}</title></line>`);
  for (const s of o.series) {
    const ps = s.points.filter((p) => Number.isFinite(p.y));
    if (!ps.length) continue;
    for (const run of segments(s.points))
      parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${run.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}"/>`);
    for (const p of ps) parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="2.5" fill="${s.color}"><title>${esc(s.name)} @ ${p.x}: ${fmt(p.y)}</title></circle>`);
  }
  parts.push(`<text x="${(W + PAD.l) / 2}" y="${H - 4}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text x="12" y="${H / 2}" text-anchor="middle" transform="rotate(-90 12 ${H / 2})">${esc(o.yLabel)}</text>`);
  const legend = o.series.map((s) => `<span><i style="background:${s.color}"></i>${esc(s.name)}</span>`).join('');
  return `<figure><figcaption>${esc(o.title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title)}">${parts.join('')}</svg><div class="legend">${legend}</div></figure>`;
}

/** Runs of consecutive finite points (a gap splits the line). */
function segments(points: { x: number; y: number }[]): { x: number; y: number }[][] {
  const out: { x: number; y: number }[][] = [];
  let cur: { x: number; y: number }[] = [];
  for (const p of points) {
    if (Number.isFinite(p.y)) cur.push(p);
    else if (cur.length) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

export function barChart(o: { title: string; yLabel: string; groups: string[]; series: { name: string; values: number[]; color: string }[] }): string {
  const vals = o.series.flatMap((s) => s.values).filter(Number.isFinite);
  if (!vals.length) return `<figure><figcaption>${esc(o.title)}</figcaption><p class="empty">no data</p></figure>`;
  const y1 = Math.max(...vals) * 1.1;
  const sy = (y: number) => H - PAD.b - (y / y1) * (H - PAD.t - PAD.b);
  const gw = (W - PAD.l - PAD.r) / o.groups.length;
  const bw = (gw * 0.8) / o.series.length;
  const parts: string[] = [];
  for (const t of ticks(0, y1)) parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${sy(t)}" y2="${sy(t)}" class="grid"/><text x="${PAD.l - 4}" y="${sy(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  o.groups.forEach((g, gi) => {
    o.series.forEach((s, si) => {
      const v = s.values[gi];
      if (!Number.isFinite(v)) return;
      const x = PAD.l + gi * gw + gw * 0.1 + si * bw;
      parts.push(`<rect x="${x.toFixed(1)}" y="${sy(v).toFixed(1)}" width="${bw.toFixed(1)}" height="${(H - PAD.b - sy(v)).toFixed(1)}" fill="${s.color}"><title>${esc(s.name)} ${esc(g)}: ${fmt(v)}</title></rect>`);
    });
    parts.push(`<text x="${PAD.l + gi * gw + gw / 2}" y="${H - PAD.b + 14}" text-anchor="middle">${esc(g)}</text>`);
  });
  parts.push(`<text x="12" y="${H / 2}" text-anchor="middle" transform="rotate(-90 12 ${H / 2})">${esc(o.yLabel)}</text>`);
  const legend = o.series.map((s) => `<span><i style="background:${s.color}"></i>${esc(s.name)}</span>`).join('');
  return `<figure><figcaption>${esc(o.title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title)}">${parts.join('')}</svg><div class="legend">${legend}</div></figure>`;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
