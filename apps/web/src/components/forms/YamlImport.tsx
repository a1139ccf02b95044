'use client';
// Paste a YAML or JSON config (e.g. one of examples/*.yaml) into the form.
import { useState } from 'react';
import { ConfigError, parseYamlText } from '@driftprune/config';

export function YamlImport({ onLoad, what, id = 'yaml-import' }: { onLoad: (v: Record<string, unknown>) => void; what: string; id?: string }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <details className="panel">
      <summary>Load {what} from YAML or JSON</summary>
      <div className="field" style={{ marginTop: '0.5rem' }}>
        <label htmlFor={id}>
          {what.charAt(0).toUpperCase() + what.slice(1)} as YAML or JSON
        </label>
        <textarea id={id} rows={8} value={text} onChange={(e) => setText(e.target.value)} aria-describedby={`${id}-err`} />
      </div>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          try {
            const v = parseYamlText(text, what);
            if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`${what} must be a mapping of keys to values`, []);
            setError(null);
            onLoad(v as Record<string, unknown>);
          } catch (e) {
            setError(e instanceof Error ? e.message : String(e));
          }
        }}
      >
        Load into the form
      </button>
      {error ? (
        <p id={`${id}-err`} role="alert" className="error">
          {error}
        </p>
      ) : null}
    </details>
  );
}
