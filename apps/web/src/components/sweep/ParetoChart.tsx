'use client';
// Accuracy gap against serving cost, one dot per point of the sweep (its seeds averaged, ± std whiskers), the Pareto
// front joined by a step line, a latency budget as a vertical line and the best point under it ringed. SVG: a sweep's
// points are at most a few thousand, each dot is a link (to its run, or a comparison of its seeds) with a tooltip.
import Link from 'next/link';
import { linearScale, logScale } from '../../lib/charts/scale.js';
import { formatNumber } from '../../lib/runs/stats.js';

export interface ParetoDot {
  key: string;
  label: string;
  runIds: readonly string[];
  n: number;
  gapPct: number;
  gapStd?: number | null;
  cost: number;
  costStd?: number | null;
  onFront: boolean;
}

export interface ParetoChartProps {
  points: readonly ParetoDot[];
  costLabel: string;
  projectId: string;
  logCost?: boolean;
  budget?: number | null;
  bestKey?: string | null;
}

const W = 720;
const H = 380;
const M = { left: 64, right: 16, top: 16, bottom: 48 };

export function ParetoChart({ points, costLabel, projectId, logCost = false, budget = null, bestKey = null }: ParetoChartProps) {
  if (points.length === 0) return <p className="empty">No succeeded run with both figures yet.</p>;
  const costs = points.map((p) => p.cost);
  const gaps = points.flatMap((p) => [p.gapPct - (p.gapStd ?? 0), p.gapPct + (p.gapStd ?? 0)]);
  // A budget far outside the points would squash them against one edge: it widens the axis only when near them, else
  // the chart says on which side it lies.
  const lo = Math.min(...costs);
  const hi = Math.max(...costs);
  const span = hi - lo || Math.abs(hi) || 1;
  const budgetShown = budget !== null && Number.isFinite(budget) && budget >= lo - span && budget <= hi + span;
  const budgetSide = budget === null || !Number.isFinite(budget) || budgetShown ? null : budget > hi ? 'right' : 'left';
  const xDomain = budgetShown ? [...costs, budget!] : costs;
  const x = logCost
    ? logScale(Math.min(...xDomain), Math.max(...xDomain), M.left, W - M.right)
    : linearScale(Math.min(...xDomain), Math.max(...xDomain), M.left, W - M.right);
  const y = linearScale(Math.min(...gaps, 0), Math.max(...gaps, 0), H - M.bottom, M.top);
  const front = points.filter((p) => p.onFront).sort((a, b) => a.cost - b.cost);
  // Step line: from each front point right to the next one's cost, then down to its gap.
  const frontPath = front
    .map(
      (p, i) =>
        `${i === 0 ? 'M' : `H${x(p.cost).toFixed(1)} V`}${i === 0 ? `${x(p.cost).toFixed(1)},${y(p.gapPct).toFixed(1)}` : y(p.gapPct).toFixed(1)}`,
    )
    .join(' ');
  const href = (p: ParetoDot) =>
    p.runIds.length === 1 ? `/runs/${p.runIds[0]}` : `/projects/${projectId}/compare?runs=${p.runIds.join(',')}`;
  return (
    <figure className="chart pareto" data-chart="Pareto front" data-points={points.length} data-front={front.length}>
      <figcaption>
        <span className="chart-title">Accuracy gap vs {costLabel}</span>
        <span className="chart-note">
          lower-left is better; filled = on the Pareto front ({front.length} of {points.length}); whiskers ± 1 std across seeds
        </span>
      </figcaption>
      <div className="svg-scroll">
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-label={`Mean ΔNE % against ${costLabel} for ${points.length} points; ${front.length} on the Pareto front`}
          className="svg-chart"
        >
          {x.ticks.map((t) => (
            <g key={`x${t}`}>
              <line x1={x(t)} x2={x(t)} y1={M.top} y2={H - M.bottom} className="grid" />
              <text x={x(t)} y={H - M.bottom + 16} textAnchor="middle" className="tick">
                {formatNumber(t, 2)}
              </text>
            </g>
          ))}
          {y.ticks.map((t) => (
            <g key={`y${t}`}>
              <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} className={t === 0 ? 'zero' : 'grid'} />
              <text x={M.left - 6} y={y(t) + 4} textAnchor="end" className="tick">
                {formatNumber(t, 2)}
              </text>
            </g>
          ))}
          <text x={(M.left + W - M.right) / 2} y={H - 8} textAnchor="middle" className="axis-label">
            {costLabel} (lower is cheaper)
          </text>
          <text transform={`translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle" className="axis-label">
            mean ΔNE % (+ = serving worse)
          </text>
          {budgetSide ? (
            <text
              x={budgetSide === 'right' ? W - M.right - 4 : M.left + 4}
              y={M.top + 12}
              textAnchor={budgetSide === 'right' ? 'end' : 'start'}
              className="tick"
              data-testid="budget-off-chart"
            >
              {budgetSide === 'right'
                ? `budget ${formatNumber(budget!, 3)} → (every point is under it)`
                : `← budget ${formatNumber(budget!, 3)} (no point is under it)`}
            </text>
          ) : null}
          {budgetShown ? (
            <g data-testid="budget-line">
              <line x1={x(budget!)} x2={x(budget!)} y1={M.top} y2={H - M.bottom} className="budget" />
              <text x={x(budget!) + 4} y={M.top + 12} className="tick">
                budget {formatNumber(budget!, 3)}
              </text>
            </g>
          ) : null}
          {front.length > 1 ? <path d={frontPath} className="front" /> : null}
          {points.map((p) => (
            <Link
              key={p.key}
              href={href(p)}
              data-key={p.key}
              data-on-front={p.onFront}
              aria-label={`${p.label}: ΔNE ${formatNumber(p.gapPct)} %, ${costLabel} ${formatNumber(p.cost)}`}
            >
              <title>{`${p.label} (n=${p.n})\nmean ΔNE ${formatNumber(p.gapPct)} %${p.gapStd != null ? ` ± ${formatNumber(p.gapStd)}` : ''}\n${costLabel} ${formatNumber(p.cost)}${p.costStd != null ? ` ± ${formatNumber(p.costStd)}` : ''}`}</title>
              {p.gapStd ? (
                <line x1={x(p.cost)} x2={x(p.cost)} y1={y(p.gapPct - p.gapStd)} y2={y(p.gapPct + p.gapStd)} className="whisker" />
              ) : null}
              <circle cx={x(p.cost)} cy={y(p.gapPct)} r={p.key === bestKey ? 6 : 4.5} className={p.onFront ? 'dot front-dot' : 'dot'} />
              {p.key === bestKey ? <circle cx={x(p.cost)} cy={y(p.gapPct)} r={11} className="best-ring" /> : null}
            </Link>
          ))}
        </svg>
      </div>
    </figure>
  );
}
