// Per-layer widths over refreshes: one row per prunable layer, one column per refresh, darker = more of the layer kept.
// A table, so that every value can be read by keyboard and screen reader as well as seen.
import { heatColor, heatTextColor, type Heatmap } from '../../lib/charts/series.js';

export function WidthHeatmap({ heatmap, title = 'Per-layer widths over refreshes' }: { heatmap: Heatmap; title?: string }) {
  if (heatmap.windows.length === 0)
    return (
      <figure className="chart" data-chart={title} data-points={0}>
        <figcaption>
          <span className="chart-title">{title}</span>
        </figcaption>
        <p className="empty">No refresh yet.</p>
      </figure>
    );
  return (
    <figure className="chart" data-chart={title} data-points={heatmap.layers.length * heatmap.windows.length}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-note">cell = kept width (units of the layer); colour = share of the dense width (row header: /dense width)</span>
      </figcaption>
      <div className="heatmap-scroll" tabIndex={0} role="region" aria-label={`${title}, scrollable`}>
        <table className="heatmap">
          <thead>
            <tr>
              <th scope="col">layer</th>
              {heatmap.windows.map((w, j) => (
                <th scope="col" key={j}>
                  w{w}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {heatmap.layers.map((layer, i) => (
              <tr key={layer}>
                <th scope="row">
                  {layer} <span className="muted">/{heatmap.full[i]}</span>
                </th>
                {heatmap.values[i].map((v, j) => {
                  const f = v === null || heatmap.full[i] === 0 ? 0 : v / heatmap.full[i];
                  return (
                    <td
                      key={j}
                      style={v === null ? undefined : { background: heatColor(f), color: heatTextColor(f) }}
                      title={v === null ? 'not reported' : `${layer} at window ${heatmap.windows[j]}: ${v} (${Math.round(f * 100)} %)`}
                    >
                      {v ?? '·'}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
