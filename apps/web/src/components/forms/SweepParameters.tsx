'use client';
// The search space of a sweep, one card per parameter: its path, values or range, the condition under which it
// applies ("only when paradigm.kind is adaptive_d2s"), its problems right under it with a one-click fix where there
// is one, and for a swept paradigm kind each kind's own options (defaults per kind).
import { useMemo } from 'react';
import { applyParameter, discriminatorAt, experimentConfig, getPath } from '@driftprune/config';
import { describeObject, leafPaths, type FieldSpec } from '../../lib/config-form/fields.js';
import { PARADIGM_HELP } from '../../lib/config-form/help.js';
import type { Issues } from '../../lib/config-form/state.js';
import { isDiscriminatorRow, newRow, rowIssues, rowValues, suggestedCondition, type ParamRow } from '../../lib/config-form/sweep-rows.js';
import { FieldTree } from './ConfigForm.js';

type Raw = Record<string, unknown>;

export function SweepParameters({ rows, onChange, base, issues, method }: {
  rows: ParamRow[];
  onChange: (rows: ParamRow[]) => void;
  /** The base experiment, to show what each kind starts from. */
  base: Raw;
  issues: Issues;
  method: 'grid' | 'random' | 'tpe';
}) {
  const specs = useMemo(() => describeObject(experimentConfig), []);
  const paths = useMemo(() => leafPaths(specs), [specs]);
  const update = (key: number, patch: Partial<ParamRow>) => onChange(rows.map((x) => (x.key === key ? { ...x, ...patch } : x)));

  return (
    <>
      <datalist id="config-paths">
        {paths.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <ol className="param-rows" aria-label="Parameters of the sweep">
        {rows.map((r, i) => {
          const n = i + 1;
          const { own, settings } = rowIssues(issues, r.path);
          const fix = own.length ? suggestedCondition(r, rows) : null;
          const errId = `param-err-${r.key}`;
          const invalid = own.length > 0 || undefined;
          const parents = rows.filter((o) => o.key !== r.key && o.mode === 'values' && o.path.trim());
          return (
            <li key={r.key} className={`param-row${own.length ? ' has-error' : ''}`} data-param={r.path.trim()} aria-label={`Parameter ${n}${r.path ? `: ${r.path}` : ''}`}>
              <div className="param-main">
                <div className="field">
                  <label htmlFor={`param-path-${r.key}`}>Parameter {n} path</label>
                  <input
                    id={`param-path-${r.key}`}
                    type="text"
                    list="config-paths"
                    value={r.path}
                    onChange={(e) => update(r.key, { path: e.target.value })}
                    placeholder="e.g. paradigm.r"
                    aria-invalid={invalid}
                    aria-describedby={own.length ? errId : undefined}
                  />
                </div>
                <div className="field">
                  <label htmlFor={`param-mode-${r.key}`}>Parameter {n} kind</label>
                  <select id={`param-mode-${r.key}`} value={r.mode} onChange={(e) => update(r.key, { mode: e.target.value as ParamRow['mode'] })}>
                    <option value="values">values</option>
                    <option value="range" disabled={method === 'grid' && r.mode !== 'range'}>
                      range (random only)
                    </option>
                  </select>
                </div>
                {r.mode === 'values' ? (
                  <div className="field param-values">
                    <label htmlFor={`param-values-${r.key}`}>Parameter {n} values</label>
                    <input
                      id={`param-values-${r.key}`}
                      type="text"
                      value={r.values}
                      onChange={(e) => update(r.key, { values: e.target.value })}
                      placeholder="comma-separated, e.g. 0.5, 0.75, 0.9"
                      aria-invalid={invalid}
                      aria-describedby={own.length ? errId : undefined}
                    />
                  </div>
                ) : (
                  <div className="field param-values">
                    <span className="field-inline param-range">
                      <label htmlFor={`param-min-${r.key}`}>min</label>
                      <input id={`param-min-${r.key}`} type="number" step="any" value={r.min} onChange={(e) => update(r.key, { min: e.target.value })} aria-invalid={invalid} />
                      <label htmlFor={`param-max-${r.key}`}>max</label>
                      <input id={`param-max-${r.key}`} type="number" step="any" value={r.max} onChange={(e) => update(r.key, { max: e.target.value })} aria-invalid={invalid} />
                      <label className="field-inline">
                        <input type="checkbox" checked={r.log} onChange={(e) => update(r.key, { log: e.target.checked })} /> log
                      </label>
                      <label className="field-inline">
                        <input type="checkbox" checked={r.integer} onChange={(e) => update(r.key, { integer: e.target.checked })} /> integer
                      </label>
                    </span>
                  </div>
                )}
                <div className="param-remove">
                  <button type="button" className="secondary" onClick={() => onChange(rows.filter((x) => x.key !== r.key))} aria-label={`Remove parameter ${n}`}>
                    Remove
                  </button>
                </div>
              </div>
              <ConditionEditor row={r} n={n} parents={parents} onChange={(when) => update(r.key, { when })} />
              {own.length ? (
                <div id={errId} className="field-error param-error" role="alert">
                  {own.map((m, j) => (
                    <p key={j}>{m}</p>
                  ))}
                  {fix ? (
                    <button type="button" className="secondary" onClick={() => update(r.key, { when: [{ parent: fix.parent, values: fix.values }] })}>
                      Apply only when {fix.parent} is {fix.values.join(' or ')}
                    </button>
                  ) : null}
                </div>
              ) : null}
              {isDiscriminatorRow(r) ? (
                <PerValueOptions row={r} rows={rows} base={base} specs={specs} issues={settings} onChange={(set) => update(r.key, { set })} />
              ) : null}
            </li>
          );
        })}
      </ol>
      <p>
        <button type="button" className="secondary" onClick={() => onChange([...rows, newRow()])}>
          Add parameter
        </button>
      </p>
    </>
  );
}

/** "Only when <parameter> is <values>": the parameter applies to those points only. */
function ConditionEditor({ row, n, parents, onChange }: { row: ParamRow; n: number; parents: ParamRow[]; onChange: (when: ParamRow['when']) => void }) {
  const cond = row.when[0];
  const parent = cond ? parents.find((p) => p.path.trim() === cond.parent) : undefined;
  if (parents.length === 0 && !cond) return null;
  const id = `param-when-${row.key}`;
  return (
    <div className="param-when">
      <label htmlFor={id}>Parameter {n} applies</label>
      <select
        id={id}
        value={cond?.parent ?? ''}
        onChange={(e) => {
          const p = parents.find((x) => x.path.trim() === e.target.value);
          onChange(p ? [{ parent: p.path.trim(), values: rowValues(p) }, ...row.when.slice(1)] : []);
        }}
      >
        <option value="">always</option>
        {cond && !parent ? <option value={cond.parent}>only when {cond.parent} (not a parameter any more)</option> : null}
        {parents.map((p) => (
          <option key={p.key} value={p.path.trim()}>
            only when {p.path.trim()} is…
          </option>
        ))}
      </select>
      {cond && parent ? (
        <span role="group" aria-label={`Parameter ${n} applies when ${cond.parent} is`} className="param-when-values">
          {rowValues(parent).map((v) => (
            <label key={String(v)} className="field-inline">
              <input
                type="checkbox"
                checked={cond.values.some((x) => x === v)}
                onChange={(e) => {
                  const values = e.target.checked ? [...cond.values, v] : cond.values.filter((x) => x !== v);
                  onChange([{ parent: cond.parent, values }, ...row.when.slice(1)]);
                }}
              />
              {String(v)}
            </label>
          ))}
        </span>
      ) : null}
      {row.when.length > 1 ? <span className="muted"> and {row.when.slice(1).map((c) => `${c.parent} ∈ {${c.values.join(', ')}}`).join(' and ')}</span> : null}
    </div>
  );
}

/** For a swept discriminator (paradigm.kind): each value's own options, starting from what that kind would get. */
function PerValueOptions({ row, rows, base, specs, issues, onChange }: {
  row: ParamRow;
  rows: ParamRow[];
  base: Raw;
  specs: FieldSpec[];
  issues: Issues;
  onChange: (set: ParamRow['set']) => void;
}) {
  const path = row.path.trim();
  const union = discriminatorAt(path)!;
  const variantSpec = specs.find((f) => f.path === union.path && f.kind === 'variant');
  if (!variantSpec || variantSpec.kind !== 'variant') return null;
  const swept = new Set(rows.filter((r) => r.key !== row.key).map((r) => r.path.trim()));
  const values = rowValues(row).map(String);
  return (
    <div className="per-value" data-testid={`per-value-${path}`}>
      <p className="help muted">
        Each {path} starts from its own defaults (the base&apos;s options that it also takes are kept). Change an option here to set it for that {union.discriminator} only.
      </p>
      {values.map((value) => {
        const variant = variantSpec.variants.find((v) => v.value === value);
        if (!variant) return null;
        const start = applyParameter(base, path, value);
        const set = row.set[value] ?? {};
        const own = Object.fromEntries(Object.entries(issues).flatMap(([k, ms]) => (k.startsWith(`${value}/`) ? [[k.slice(value.length + 1), ms]] : [])));
        const fields = variant.fields.filter((f) => !swept.has(f.path));
        const sweptHere = variant.fields.filter((f) => swept.has(f.path)).map((f) => f.path);
        const count = Object.keys(set).length;
        const tree = {
          get: (p: string) => (p in set ? set[p] : getPath(start, p)),
          set: (p: string, v: unknown) => {
            const next = { ...set };
            if (v === undefined) delete next[p];
            else next[p] = v;
            onChange({ ...row.set, [value]: next });
          },
          issues: own,
          paradigmKind: value,
          idPrefix: `kind-${value}-`,
        };
        return (
          <details key={value} className="panel per-value-kind" open={Object.keys(own).length > 0} data-value={value}>
            <summary>
              Options for {union.discriminator} <strong>{value}</strong>
              {count ? <span className="muted"> · {count} changed</span> : null}
              {Object.keys(own).length ? <span className="error"> · problems</span> : null}
            </summary>
            {PARADIGM_HELP[value] ? <p className="help muted">{PARADIGM_HELP[value]}</p> : null}
            {sweptHere.length ? <p className="help muted">Swept above: {sweptHere.join(', ')}.</p> : null}
            {fields.length === 0 ? <p className="muted">This {union.discriminator} has no options of its own.</p> : null}
            <div className="form-grid">
              <FieldTree fields={fields.filter((f) => f.kind !== 'group')} {...tree} />
            </div>
            <FieldTree fields={fields.filter((f) => f.kind === 'group')} {...tree} />
          </details>
        );
      })}
    </div>
  );
}
