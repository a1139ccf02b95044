'use client';
// The experiment config as a form, built from the shared zod schema (packages/config): the same fields, bounds,
// choices and defaults the API and the worker validate against, and the schema's own messages beside each field.
import { useMemo } from 'react';
import { experimentConfig, getPath, setPath } from '@driftprune/config';
import { describeObject, type FieldSpec } from '../../lib/config-form/fields.js';
import { PARADIGM_HELP, helpFor, labelFor } from '../../lib/config-form/help.js';
import { paradigmDefaults, type Issues } from '../../lib/config-form/state.js';
import { FieldControl, fieldId } from './FieldControl.js';

type Raw = Record<string, unknown>;

/** Sections shown folded: sensible defaults that most runs leave alone. */
const FOLDED = new Set(['optimizer', 'engine', 'evaluation', 'checkpoint', 'data.synthetic', 'data.csv', 'paradigm.refresh', 'evaluation.serving']);

/** Fields that only matter for some data sources. */
function relevant(path: string, raw: Raw): boolean {
  const source = getPath(raw, 'data.source');
  if (path === 'data.synthetic') return source === 'synthetic';
  if (path === 'data.csv') return source === 'csv';
  if (path === 'data.positiveRating') return source === 'movielens';
  if (path === 'data.path') return source !== 'synthetic';
  return true;
}

export function issuesUnder(issues: Issues, path: string): string[] {
  return Object.entries(issues)
    .filter(([p]) => p === path || p.startsWith(path + '.'))
    .flatMap(([p, ms]) => ms.map((m) => (p === path ? m : `${p}: ${m}`)));
}

export function ConfigForm({ value, onChange, issues }: { value: Raw; onChange: (v: Raw) => void; issues: Issues }) {
  const fields = useMemo(() => describeObject(experimentConfig), []);
  const paradigmKind = getPath(value, 'paradigm.kind') as string | undefined;
  const set = (path: string, v: unknown) => {
    if (v === undefined) {
      const parts = path.split('.');
      const parent = parts.length > 1 ? (getPath(value, parts.slice(0, -1).join('.')) as Raw | undefined) : value;
      if (!parent || !(parts[parts.length - 1] in parent)) return;
      const copy = structuredClone(value);
      const p = parts.length > 1 ? (getPath(copy, parts.slice(0, -1).join('.')) as Raw) : copy;
      delete p[parts[parts.length - 1]];
      onChange(copy);
    } else onChange(setPath(value, path, v));
  };

  const render = (f: FieldSpec): React.ReactNode => {
    if (!relevant(f.path, value)) return null;
    if (f.kind === 'group') {
      const present = getPath(value, f.path) !== undefined;
      const toggleable = f.optional && f.defaultValue === undefined;
      const inner = (
        <div className="form-grid">
          {f.fields.filter((g) => g.kind !== 'group').map(render)}
        </div>
      );
      const nested = f.fields.filter((g) => g.kind === 'group').map(render);
      const help = helpFor(f.path, paradigmKind);
      const body = (
        <>
          {help ? <p className="help muted">{help}</p> : null}
          {toggleable ? (
            <label className="field-inline" style={{ marginBottom: '0.5rem' }}>
              <input type="checkbox" checked={present} onChange={(e) => set(f.path, e.target.checked ? {} : undefined)} /> Include {f.path}
            </label>
          ) : null}
          {!toggleable || present ? (
            <>
              {inner}
              {nested}
            </>
          ) : null}
        </>
      );
      const errs = issues[f.path];
      const legend = `${labelFor(f.key)} (${f.path})`;
      if (FOLDED.has(f.path) && !issuesUnder(issues, f.path).length)
        return (
          <details key={f.path} className="panel" id={fieldId(f.path)}>
            <summary>{legend}</summary>
            {body}
          </details>
        );
      return (
        <fieldset key={f.path} id={fieldId(f.path)}>
          <legend>{legend}</legend>
          {errs ? <p className="field-error">{errs.join('; ')}</p> : null}
          {body}
        </fieldset>
      );
    }
    if (f.kind === 'variant') {
      const kind = getPath(value, `${f.path}.${f.discriminator}`) as string | undefined;
      const variant = f.variants.find((v) => v.value === kind);
      const selectId = fieldId(`${f.path}.${f.discriminator}`);
      return (
        <fieldset key={f.path} id={fieldId(f.path)}>
          <legend>Paradigm (paradigm)</legend>
          <div className="field">
            <label htmlFor={selectId}>
              Kind <span className="path">{`${f.path}.${f.discriminator}`}</span>
            </label>
            <select
              id={selectId}
              value={kind ?? ''}
              aria-describedby={`${selectId}-help`}
              onChange={(e) => {
                const warm = getPath(value, `${f.path}.warmupWindows`);
                onChange(setPath(value, f.path, paradigmDefaults(e.target.value, typeof warm === 'number' ? warm : undefined)));
              }}
            >
              {f.variants.map((v) => (
                <option key={v.value} value={v.value}>
                  {v.value}
                </option>
              ))}
            </select>
          </div>
          <div className="paradigm-help" id={`${selectId}-help`} aria-live="polite">
            <strong>{kind}</strong>: {kind ? PARADIGM_HELP[kind] : 'choose a paradigm'}
          </div>
          {issues[f.path] ? <p className="field-error">{issues[f.path].join('; ')}</p> : null}
          {variant ? (
            <>
              <div className="form-grid">{variant.fields.filter((g) => g.kind !== 'group').map(render)}</div>
              {variant.fields.filter((g) => g.kind === 'group').map(render)}
            </>
          ) : null}
        </fieldset>
      );
    }
    return <FieldControl key={f.path} spec={f} value={getPath(value, f.path)} onChange={(v) => set(f.path, v)} errors={issues[f.path]} paradigmKind={paradigmKind} />;
  };

  const top = fields.filter((f) => f.kind !== 'group' && f.kind !== 'variant');
  const sections = fields.filter((f) => f.kind === 'group' || f.kind === 'variant');
  // The paradigm and its pruning first: they are what an experiment is about.
  const order = ['paradigm', 'pruning', 'data', 'model', 'optimizer', 'engine', 'evaluation', 'checkpoint'];
  sections.sort((a, b) => order.indexOf(a.path) - order.indexOf(b.path));
  return (
    <div className="config-form">
      <fieldset>
        <legend>Experiment</legend>
        <div className="form-grid">{top.map(render)}</div>
      </fieldset>
      {sections.map(render)}
    </div>
  );
}

/** The list of every problem, each linked to its field, announced to screen readers. */
export function IssueSummary({ issues, title = 'Fix these before submitting' }: { issues: Issues; title?: string }) {
  const entries = Object.entries(issues);
  if (entries.length === 0) return null;
  return (
    <div role="alert" className="panel issues" data-testid="form-issues">
      <strong>{title}:</strong>
      <ul>
        {entries.map(([path, ms]) => (
          <li key={path}>
            <a href={`#${fieldId(path)}`} className="mono">
              {path}
            </a>
            : {ms.join('; ')}
          </li>
        ))}
      </ul>
    </div>
  );
}
