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

export interface FieldTreeProps {
  fields: readonly FieldSpec[];
  /** The current value at a path (undefined: the field shows its default). */
  get: (path: string) => unknown;
  /** Sets a path; undefined removes it. */
  set: (path: string, v: unknown) => void;
  issues: Issues;
  paradigmKind?: string;
  /** Whether a field applies at all (e.g. data.csv only for csv sources). */
  visible?: (path: string) => boolean;
  /** Control ids are `${idPrefix}${fieldId(path)}`: two trees of the same paths on one page stay apart. */
  idPrefix?: string;
  /** Renders a field itself (the paradigm's kind switch); undefined falls back to the tree's own rendering. */
  renderField?: (f: FieldSpec, render: (f: FieldSpec) => React.ReactNode) => React.ReactNode | undefined;
}

/** Fields as a form: groups as fieldsets (the rarely changed ones folded), leaves as controls with their errors. */
export function FieldTree({ fields, get, set, issues, paradigmKind, visible = () => true, idPrefix = '', renderField }: FieldTreeProps) {
  const render = (f: FieldSpec): React.ReactNode => {
    if (!visible(f.path)) return null;
    const own = renderField?.(f, render);
    if (own !== undefined) return own;
    if (f.kind === 'group') {
      const present = get(f.path) !== undefined;
      const toggleable = f.optional && f.defaultValue === undefined;
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
              <div className="form-grid">{f.fields.filter((g) => g.kind !== 'group').map(render)}</div>
              {f.fields.filter((g) => g.kind === 'group').map(render)}
            </>
          ) : null}
        </>
      );
      const errs = issues[f.path];
      const legend = `${labelFor(f.key)} (${f.path})`;
      const id = idPrefix + fieldId(f.path);
      if (FOLDED.has(f.path) && !issuesUnder(issues, f.path).length)
        return (
          <details key={f.path} className="panel" id={id}>
            <summary>{legend}</summary>
            {body}
          </details>
        );
      return (
        <fieldset key={f.path} id={id}>
          <legend>{legend}</legend>
          {errs ? <p className="field-error">{errs.join('; ')}</p> : null}
          {body}
        </fieldset>
      );
    }
    return <FieldControl key={f.path} spec={f} id={idPrefix + fieldId(f.path)} value={get(f.path)} onChange={(v) => set(f.path, v)} errors={issues[f.path]} paradigmKind={paradigmKind} />;
  };
  return <>{fields.map(render)}</>;
}

/** Removes `path` from a copy of `value` (a field set back to its default). */
function without(value: Raw, path: string): Raw {
  const parts = path.split('.');
  const parent = parts.length > 1 ? (getPath(value, parts.slice(0, -1).join('.')) as Raw | undefined) : value;
  if (!parent || typeof parent !== 'object' || !Object.hasOwn(parent, parts[parts.length - 1])) return value;
  const copy = structuredClone(value);
  const p = parts.length > 1 ? (getPath(copy, parts.slice(0, -1).join('.')) as Raw) : copy;
  delete p[parts[parts.length - 1]];
  return copy;
}

export function ConfigForm({ value, onChange, issues, replaced = {} }: {
  value: Raw;
  onChange: (v: Raw) => void;
  issues: Issues;
  /** Top-level sections shown as this content instead of their fields (the paradigm while its kind is swept). */
  replaced?: Record<string, React.ReactNode>;
}) {
  const fields = useMemo(() => describeObject(experimentConfig), []);
  const paradigmKind = getPath(value, 'paradigm.kind') as string | undefined;
  const set = (path: string, v: unknown) => onChange(v === undefined ? without(value, path) : setPath(value, path, v));

  const renderField = (f: FieldSpec, render: (f: FieldSpec) => React.ReactNode): React.ReactNode | undefined => {
    if (f.path in replaced)
      return (
        <fieldset key={f.path} id={fieldId(f.path)}>
          <legend>
            {labelFor(f.key)} ({f.path})
          </legend>
          {replaced[f.path]}
        </fieldset>
      );
    if (f.kind !== 'variant') return undefined;
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
  };

  const top = fields.filter((f) => f.kind !== 'group' && f.kind !== 'variant');
  const sections = fields.filter((f) => f.kind === 'group' || f.kind === 'variant');
  // The paradigm and its pruning first: they are what an experiment is about.
  const order = ['paradigm', 'pruning', 'data', 'model', 'optimizer', 'engine', 'evaluation', 'checkpoint'];
  sections.sort((a, b) => order.indexOf(a.path) - order.indexOf(b.path));
  const tree = (fs: FieldSpec[]) => (
    <FieldTree fields={fs} get={(p) => getPath(value, p)} set={set} issues={issues} paradigmKind={paradigmKind} visible={(p) => relevant(p, value)} renderField={renderField} />
  );
  return (
    <div className="config-form">
      <fieldset>
        <legend>Experiment</legend>
        <div className="form-grid">{tree(top)}</div>
      </fieldset>
      {tree(sections)}
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
