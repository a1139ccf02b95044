// Every refresh of the serving model: when, why, how much it kept, and how far the mask moved.
import { formatNumber } from '../../lib/runs/stats.js';

export interface RefreshRow {
  window: number;
  seq: number;
  trigger: string;
  widths: unknown;
  jaccard: number;
  flopsRatio: number;
  createdAt: string;
}

export function RefreshLog({ refreshes }: { refreshes: readonly RefreshRow[] }) {
  if (refreshes.length === 0) return <p className="empty">No refresh yet.</p>;
  return (
    <div className="table-scroll">
      <table className="data" data-testid="refresh-log">
        <thead>
          <tr>
            <th scope="col" className="num">window</th>
            <th scope="col" className="num">seq</th>
            <th scope="col">trigger</th>
            <th scope="col" className="num">Jaccard to previous mask</th>
            <th scope="col" className="num">FLOPs kept</th>
            <th scope="col">per-layer widths</th>
            <th scope="col">at</th>
          </tr>
        </thead>
        <tbody>
          {refreshes.map((r) => (
            <tr key={`${r.window}:${r.seq}`}>
              <td className="num">{r.window}</td>
              <td className="num">{r.seq}</td>
              <td>{r.trigger}</td>
              <td className="num">{formatNumber(r.jaccard)}</td>
              <td className="num">{(r.flopsRatio * 100).toFixed(1)} %</td>
              <td className="mono">
                {Object.entries((r.widths ?? {}) as Record<string, number>)
                  .map(([k, v]) => `${k}=${v}`)
                  .join('  ')}
              </td>
              <td>{new Date(r.createdAt).toLocaleTimeString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
