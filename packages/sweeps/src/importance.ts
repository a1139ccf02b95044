// Parameter importance over a sweep's runs, fANOVA-lite: each parameter's main effect as the share of the
// objective's variance that its levels explain (the correlation ratio η² = Σ n_g (ȳ_g − ȳ)² / Σ (y − ȳ)²), the
// empirical first-order index that fANOVA (Hutter et al. 2014) estimates through a random-forest surrogate. Numeric
// parameters with many distinct values (random or TPE search) are cut into quantile bins first; a run where a
// conditional parameter does not apply forms its own level "(unset)". O(runs · parameters) plus a sort per
// parameter: 1,000 runs take well under a millisecond per parameter.
//
// η² of a parameter with many levels is inflated by chance (each level's mean fits noise: about (k − 1)/(n − 1) for
// k levels of pure noise), so the ranking uses the ω² correction (SS_between − (k − 1)·MSE_within) / (SS_total +
// MSE_within), floored at 0: `importance`. The raw η² is kept as `etaSquared`.

export interface ImportanceRun {
  params: Record<string, unknown>;
  /** The objective (e.g. mean ΔNE %); non-finite values are left out. */
  y: number;
}

export interface ImportanceLevel {
  /** A listed value, "(unset)", or a bin "[lo, hi]" of a numeric parameter. */
  label: string;
  n: number;
  mean: number;
}

export interface ParameterImportance {
  path: string;
  /** ω²: share of the objective's variance this parameter's levels explain, corrected for chance, 0..1. */
  importance: number;
  /** η², uncorrected (inflated by chance when a parameter has many levels), 0..1. */
  etaSquared: number;
  /** importance over the sum of every parameter's importance (0 when all are 0). */
  share: number;
  levels: ImportanceLevel[];
}

export const IMPORTANCE_BINS = 8;

function levelOf(values: unknown[], bins: number): { labels: string[]; levelOfRun: (v: unknown) => string } {
  const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const distinct = [...new Set(nums)].sort((a, b) => a - b);
  const numeric = nums.length === values.filter((v) => v !== undefined).length && distinct.length > bins;
  if (!numeric) {
    const labels = [...new Set(values.map((v) => (v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v))))];
    return { labels, levelOfRun: (v) => (v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v)) };
  }
  // quantile edges over the runs' values (not the distinct ones): bins hold about equal numbers of runs
  const sorted = [...nums].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) edges.push(sorted[Math.floor((b * sorted.length) / bins)]);
  const uniq = [...new Set(edges)];
  const lows = [sorted[0], ...uniq];
  const highs = [...uniq, sorted[sorted.length - 1]];
  const fmt = (x: number) => String(Number(x.toPrecision(4)));
  const labels = lows.map((lo, i) => `[${fmt(lo)}, ${fmt(highs[i])}${i === lows.length - 1 ? ']' : ')'}`);
  const levelOfRun = (v: unknown) => {
    if (v === undefined) return '(unset)';
    let i = 0;
    while (i < uniq.length && (v as number) >= uniq[i]) i++;
    return labels[i];
  };
  return { labels, levelOfRun };
}

export function parameterImportance(runs: readonly ImportanceRun[], paths: readonly string[], bins = IMPORTANCE_BINS): ParameterImportance[] {
  const rows = runs.filter((r) => Number.isFinite(r.y));
  const n = rows.length;
  const grand = n ? rows.reduce((s, r) => s + r.y, 0) / n : 0;
  const ssTotal = rows.reduce((s, r) => s + (r.y - grand) ** 2, 0);
  const out = paths.map((path) => {
    const { levelOfRun } = levelOf(
      rows.map((r) => (Object.hasOwn(r.params, path) ? r.params[path] : undefined)),
      bins,
    );
    const groups = new Map<string, { n: number; sum: number }>();
    for (const r of rows) {
      const l = levelOfRun(Object.hasOwn(r.params, path) ? r.params[path] : undefined);
      const g = groups.get(l) ?? { n: 0, sum: 0 };
      g.n++;
      g.sum += r.y;
      groups.set(l, g);
    }
    let ssBetween = 0;
    for (const g of groups.values()) ssBetween += g.n * (g.sum / g.n - grand) ** 2;
    const k = groups.size;
    const etaSquared = ssTotal > 0 ? Math.min(1, ssBetween / ssTotal) : 0;
    const mseWithin = n > k ? Math.max(0, ssTotal - ssBetween) / (n - k) : 0;
    const importance = ssTotal > 0 ? Math.max(0, (ssBetween - (k - 1) * mseWithin) / (ssTotal + mseWithin)) : 0;
    const levels = [...groups].map(([label, g]) => ({ label, n: g.n, mean: g.sum / g.n }));
    return { path, importance, etaSquared, share: 0, levels };
  });
  const total = out.reduce((s, p) => s + p.importance, 0);
  for (const p of out) p.share = total > 0 ? p.importance / total : 0;
  return out.sort((a, b) => b.importance - a.importance || b.etaSquared - a.etaSquared || (a.path < b.path ? -1 : 1));
}
