'use client';
// Submit a sweep: a base experiment (the same schema-driven form) plus a search space over dotted config paths.
// The browser expands it with the shared expandSweep, so every point is validated before anything is queued.
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { experimentConfig } from '@driftprune/config';
import { useMutation } from '../../../../../lib/api/hooks.js';
import { SubmitSweepDocument } from '../../../../../gql/graphql.js';
import { initialExperiment, previewSweep, validateExperiment, type Issues } from '../../../../../lib/config-form/state.js';
import { describeObject, leafPaths, parseNumberList, parseScalar } from '../../../../../lib/config-form/fields.js';
import { ConfigForm, IssueSummary } from '../../../../../components/forms/ConfigForm.js';
import { ExperimentTarget } from '../../../../../components/forms/ExperimentTarget.js';
import { YamlImport } from '../../../../../components/forms/YamlImport.js';
import { useSubmitTarget } from '../../../../../components/forms/useSubmitTarget.js';

interface ParamRow {
  key: number;
  path: string;
  mode: 'values' | 'range';
  values: string;
  min: string;
  max: string;
  log: boolean;
  integer: boolean;
}

let nextKey = 1;
const newRow = (path = '', values = ''): ParamRow => ({ key: nextKey++, path, mode: 'values', values, min: '', max: '', log: false, integer: false });

/** Own keys only (fromEntries), so a typed "__proto__" reaches validation and is refused there instead of vanishing. */
function buildParameters(rows: readonly ParamRow[]): Record<string, unknown> {
  return Object.fromEntries(rows.filter((r) => r.path.trim()).map((r) => [r.path.trim(), parameterOf(r)]));
}

function parameterOf(r: ParamRow): unknown {
  if (r.mode === 'range') return { min: r.min === '' ? Number.NaN : Number(r.min), max: r.max === '' ? Number.NaN : Number(r.max), log: r.log, integer: r.integer };
  const values = r.values
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map(parseScalar);
  return { values };
}

export function SubmitSweepForm() {
  const router = useRouter();
  const { projectId, target, setTarget, serverIssues, error, experimentFor, submit } = useSubmitTarget();
  const [base, setBase] = useState<Record<string, unknown>>(initialExperiment);
  const [name, setName] = useState('sweep');
  const [method, setMethod] = useState<'grid' | 'random'>('grid');
  const [rows, setRows] = useState<ParamRow[]>(() => [newRow('pruning.budget', '0.5, 0.75')]);
  const [seeds, setSeeds] = useState('1, 2');
  const [samples, setSamples] = useState(10);
  const [searchSeed, setSearchSeed] = useState(0);
  const [touched, setTouched] = useState(false);
  const [submitSweep, submitting] = useMutation(SubmitSweepDocument);

  const paths = useMemo(() => leafPaths(describeObject(experimentConfig)), []);
  const seedList = parseNumberList(seeds);
  const sweep = { name, method, base, parameters: buildParameters(rows), seeds: seedList ?? seeds, samples, searchSeed };
  const baseCheck = useMemo(() => validateExperiment(base), [base]);
  const preview = useMemo(() => previewSweep(sweep), [JSON.stringify(sweep)]);
  const baseIssues = baseCheck.ok ? {} : baseCheck.issues;
  const sweepIssues: Issues = { ...(preview.ok ? {} : preview.issues), ...serverIssues };

  return (
    <>
      <h1>Submit a sweep</h1>
      <p className="muted">
        A sweep runs the base experiment once per point of the search space and per seed. Each point is checked with the shared schema before it is
        queued.
      </p>
      <form
        noValidate
        aria-label="Submit a sweep"
        onSubmit={async (e) => {
          e.preventDefault();
          setTouched(true);
          await submit(async () => {
            if (!baseCheck.ok || !preview.ok) return;
            const experimentId = await experimentFor(baseCheck.config);
            await submitSweep({ input: { experimentId, sweep: { ...sweep, base: baseCheck.config } } });
            router.push(`/experiments/${experimentId}`);
          });
        }}
      >
        <ExperimentTarget projectId={projectId} target={target} onChange={setTarget} onLoadConfig={(c) => setBase(c as Record<string, unknown>)} />

        <fieldset id="sweep-space">
          <legend>Search space</legend>
          <div className="form-grid">
            <div className="field">
              <label htmlFor="sweep-name">Sweep name</label>
              <input id="sweep-name" type="text" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="sweep-method">Method</label>
              <select id="sweep-method" value={method} onChange={(e) => setMethod(e.target.value as 'grid' | 'random')} aria-describedby="sweep-method-help">
                <option value="grid">grid</option>
                <option value="random">random</option>
              </select>
              <p id="sweep-method-help" className="help">
                grid: every combination of the listed values. random: draw “samples” points; ranges allowed.
              </p>
            </div>
            <div className="field">
              <label htmlFor="sweep-seeds">Seeds</label>
              <input id="sweep-seeds" type="text" value={seeds} onChange={(e) => setSeeds(e.target.value)} aria-describedby="sweep-seeds-help" aria-invalid={seedList === null || undefined} />
              <p id="sweep-seeds-help" className="help">
                Each point runs once per seed, e.g. 1, 2, 3; the runs table averages over them.
              </p>
            </div>
            {method === 'random' ? (
              <>
                <div className="field">
                  <label htmlFor="sweep-samples">Samples</label>
                  <input id="sweep-samples" type="number" min={1} max={10000} value={samples} onChange={(e) => setSamples(Number(e.target.value))} />
                </div>
                <div className="field">
                  <label htmlFor="sweep-search-seed">Search seed</label>
                  <input id="sweep-search-seed" type="number" min={0} value={searchSeed} onChange={(e) => setSearchSeed(Number(e.target.value))} />
                </div>
              </>
            ) : null}
          </div>
          <datalist id="config-paths">
            {paths.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
          <div className="table-scroll">
            <table className="data">
              <caption className="sr-only">Parameters of the sweep</caption>
              <thead>
                <tr>
                  <th scope="col">config path</th>
                  <th scope="col">kind</th>
                  <th scope="col">values (comma-separated) or range</th>
                  <th scope="col">
                    <span className="sr-only">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => {
                  const upd = (p: Partial<ParamRow>) => setRows((rs) => rs.map((x) => (x.key === r.key ? { ...x, ...p } : x)));
                  return (
                    <tr key={r.key}>
                      <td>
                        <label className="sr-only" htmlFor={`param-path-${r.key}`}>
                          Parameter {i + 1} path
                        </label>
                        <input id={`param-path-${r.key}`} type="text" list="config-paths" value={r.path} onChange={(e) => upd({ path: e.target.value })} placeholder="e.g. paradigm.r" />
                      </td>
                      <td>
                        <label className="sr-only" htmlFor={`param-mode-${r.key}`}>
                          Parameter {i + 1} kind
                        </label>
                        <select id={`param-mode-${r.key}`} value={r.mode} onChange={(e) => upd({ mode: e.target.value as ParamRow['mode'] })}>
                          <option value="values">values</option>
                          <option value="range">range (random only)</option>
                        </select>
                      </td>
                      <td>
                        {r.mode === 'values' ? (
                          <>
                            <label className="sr-only" htmlFor={`param-values-${r.key}`}>
                              Parameter {i + 1} values
                            </label>
                            <input id={`param-values-${r.key}`} type="text" value={r.values} onChange={(e) => upd({ values: e.target.value })} placeholder="e.g. 0.5, 0.75, 0.9" />
                          </>
                        ) : (
                          <span className="field-inline">
                            <label htmlFor={`param-min-${r.key}`}>min</label>
                            <input id={`param-min-${r.key}`} type="number" step="any" style={{ width: '7rem' }} value={r.min} onChange={(e) => upd({ min: e.target.value })} />
                            <label htmlFor={`param-max-${r.key}`}>max</label>
                            <input id={`param-max-${r.key}`} type="number" step="any" style={{ width: '7rem' }} value={r.max} onChange={(e) => upd({ max: e.target.value })} />
                            <label className="field-inline">
                              <input type="checkbox" checked={r.log} onChange={(e) => upd({ log: e.target.checked })} /> log
                            </label>
                            <label className="field-inline">
                              <input type="checkbox" checked={r.integer} onChange={(e) => upd({ integer: e.target.checked })} /> integer
                            </label>
                          </span>
                        )}
                      </td>
                      <td>
                        <button type="button" className="secondary" onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))} aria-label={`Remove parameter ${i + 1}`}>
                          Remove
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p>
            <button type="button" className="secondary" onClick={() => setRows((rs) => [...rs, newRow()])}>
              Add parameter
            </button>
          </p>
          <div aria-live="polite" data-testid="sweep-preview">
            {preview.ok ? (
              <p className="notice">
                <strong>{preview.points.length}</strong> run{preview.points.length === 1 ? '' : 's'} will be queued
                {preview.points.length > 0
                  ? `: ${preview.points
                      .slice(0, 6)
                      .map((p) => Object.entries(p.params).map(([k, v]) => `${k}=${String(v)}`).join(' '))
                      .join(' | ')}${preview.points.length > 6 ? ' | …' : ''}`
                  : ''}
              </p>
            ) : null}
          </div>
        </fieldset>

        <h2>Base experiment</h2>
        <YamlImport what="the base experiment config" onLoad={setBase} />
        <ConfigForm value={base} onChange={setBase} issues={baseIssues} />

        {touched || !preview.ok ? <IssueSummary issues={sweepIssues} title="Problems in the sweep" /> : null}
        {touched ? <IssueSummary issues={baseIssues} title="Problems in the base experiment" /> : null}
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={submitting.loading}>
          {submitting.loading ? 'Submitting…' : `Submit sweep${preview.ok ? ` (${preview.points.length} runs)` : ''}`}
        </button>
      </form>
    </>
  );
}
