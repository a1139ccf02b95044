'use client';
// A run's files (ONNX models, checkpoints, reports, logs). Downloads go through the API with the bearer token, so the
// browser fetches the bytes and saves them under the artifact's name.
import { useState } from 'react';
import { useApi } from '../../lib/api/provider.js';
import { formatBytes } from '../../lib/format-bytes.js';

export interface ArtifactRow {
  id: string;
  kind: string;
  name: string;
  uri: string;
  downloadPath: string;
  sha256: string;
  sizeBytes: number;
  window: number | null;
}

export function ArtifactList({ artifacts }: { artifacts: readonly ArtifactRow[] }) {
  const { apiUrl, token } = useApi();
  const [state, setState] = useState<Record<string, string>>({});
  if (artifacts.length === 0) return <p className="empty">No artifact stored yet.</p>;

  const download = async (a: ArtifactRow) => {
    setState((s) => ({ ...s, [a.id]: 'downloading…' }));
    try {
      const res = await fetch(new URL(a.downloadPath, apiUrl), { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: string } | null;
        throw new Error(body?.error ?? `HTTP ${res.status}`);
      }
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = a.name.split('/').pop() ?? a.name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState((s) => ({ ...s, [a.id]: `saved (${formatBytes(blob.size)})` }));
    } catch (e) {
      setState((s) => ({ ...s, [a.id]: `failed: ${e instanceof Error ? e.message : String(e)}` }));
    }
  };

  return (
    <div className="table-scroll">
      <table className="data" data-testid="artifacts">
        <thead>
          <tr>
            <th scope="col">name</th>
            <th scope="col">kind</th>
            <th scope="col" className="num">window</th>
            <th scope="col" className="num">size</th>
            <th scope="col">sha256</th>
            <th scope="col">
              <span className="sr-only">Download</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {artifacts.map((a) => (
            <tr key={a.id}>
              <td className="mono" title={a.uri}>
                {a.name}
              </td>
              <td>{a.kind}</td>
              <td className="num">{a.window ?? '—'}</td>
              <td className="num">{formatBytes(a.sizeBytes)}</td>
              <td className="mono" title={a.sha256}>
                {a.sha256.slice(0, 12)}…
              </td>
              <td>
                <button type="button" className="secondary" onClick={() => void download(a)} aria-label={`Download ${a.name}`}>
                  Download
                </button>{' '}
                <span className="muted" role="status">
                  {state[a.id] ?? ''}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted" style={{ padding: '0 0.6rem' }}>
        {artifacts.length} file{artifacts.length === 1 ? '' : 's'}, {formatBytes(artifacts.reduce((n, a) => n + a.sizeBytes, 0))} in all
      </p>
    </div>
  );
}
