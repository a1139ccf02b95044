// The sweep form's search space as rows a person edits, and back: rows → the `parameters` of a sweep config (what
// expandSweep and the API read), parameters → rows (a loaded sweep file), and which problems belong to which row.
import { discriminatorAt, variantsTaking } from '@driftprune/config';
import { parseScalar } from './fields.js';
import type { Issues } from './state.js';

type Scalar = string | number | boolean;

export interface ParamRow {
  key: number;
  path: string;
  mode: 'values' | 'range';
  /** Comma-separated, as typed. */
  values: string;
  min: string;
  max: string;
  log: boolean;
  integer: boolean;
  /** Applies only where each named parameter took one of these values (empty: always). */
  when: { parent: string; values: Scalar[] }[];
  /** Per value (as text): config paths set on the points that take it (a discriminator row's per-kind options). */
  set: Record<string, Record<string, unknown>>;
}

let nextKey = 1;
export function newRow(init: Partial<Omit<ParamRow, 'key'>> = {}): ParamRow {
  return { key: nextKey++, path: '', mode: 'values', values: '', min: '', max: '', log: false, integer: false, when: [], set: {}, ...init };
}

export function rowValues(r: Pick<ParamRow, 'values'>): Scalar[] {
  return r.values
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map(parseScalar);
}

/**
 * Rows → the sweep's `parameters`; rows without a path are skipped, settings of values no longer listed dropped. Own
 * keys only (fromEntries), so a typed "__proto__" reaches validation and is refused there instead of vanishing.
 */
export function buildParameters(rows: readonly ParamRow[]): Record<string, unknown> {
  return Object.fromEntries(rows.filter((r) => r.path.trim()).map((r) => [r.path.trim(), parameterOf(r)]));
}

function parameterOf(r: ParamRow): unknown {
  const conditions = r.when.filter((c) => c.parent && c.values.length).map((c) => [c.parent, c.values.length === 1 ? c.values[0] : c.values]);
  const cond = conditions.length ? { when: Object.fromEntries(conditions) } : {};
  if (r.mode === 'range') return { min: r.min === '' ? Number.NaN : Number(r.min), max: r.max === '' ? Number.NaN : Number(r.max), log: r.log, integer: r.integer, ...cond };
  const values = rowValues(r);
  const set = Object.entries(r.set).filter(([v, paths]) => values.some((x) => String(x) === v) && Object.keys(paths).length > 0);
  return { values, ...cond, ...(set.length ? { set: Object.fromEntries(set) } : {}) };
}

/** A sweep file's `parameters` → rows (what the form can show; anything else stays for the schema to refuse). */
export function rowsFromParameters(parameters: unknown): ParamRow[] {
  if (!parameters || typeof parameters !== 'object') return [];
  return Object.entries(parameters as Record<string, Record<string, unknown>>).map(([path, p]) => {
    const when = Object.entries((p?.when ?? {}) as Record<string, Scalar | Scalar[]>).map(([parent, v]) => ({ parent, values: Array.isArray(v) ? v : [v] }));
    if (p && Array.isArray(p.values))
      return newRow({ path, values: p.values.map(String).join(', '), when, set: (p.set ?? {}) as ParamRow['set'] });
    return newRow({
      path,
      mode: 'range',
      min: p?.min === undefined ? '' : String(p.min),
      max: p?.max === undefined ? '' : String(p.max),
      log: p?.log === true,
      integer: p?.integer === true,
      when,
    });
  });
}

/** The problems of one row: its parameter's and those of its conditions and settings, with the sub-path named. */
export function rowIssues(issues: Issues, path: string): { own: string[]; settings: Issues } {
  const prefix = `parameters.${path.trim()}`;
  const own: string[] = [];
  const settings: Issues = {};
  for (const [p, ms] of Object.entries(issues)) {
    if (p === prefix) own.push(...ms);
    else if (p.startsWith(`${prefix}.set.`)) {
      // parameters.<row>.set.<value>.<config path> → "<value>/<config path>"
      const rest = p.slice(prefix.length + 5);
      const dot = rest.indexOf('.');
      const key = dot < 0 ? rest : `${rest.slice(0, dot)}/${rest.slice(dot + 1)}`;
      (settings[key] ??= []).push(...ms);
    } else if (p.startsWith(`${prefix}.`)) own.push(...ms.map((m) => `${p.slice(prefix.length + 1)}: ${m}`));
  }
  return { own, settings };
}

/** Problems that belong to no row (the sweep's own fields, or a parameter no longer in the form). */
export function otherIssues(issues: Issues, rows: readonly ParamRow[]): Issues {
  const paths = rows.map((r) => `parameters.${r.path.trim()}`).filter((p) => p !== 'parameters.');
  return Object.fromEntries(Object.entries(issues).filter(([p]) => !paths.some((r) => p === r || p.startsWith(r + '.'))));
}

/**
 * A one-click fix for a row whose option only some values of a swept discriminator take (paradigm.tau while
 * paradigm.kind is swept): the condition to add, or null when there is nothing to suggest.
 */
export function suggestedCondition(row: ParamRow, rows: readonly ParamRow[]): { parent: string; values: string[] } | null {
  if (row.when.length) return null;
  const taking = variantsTaking(row.path.trim());
  if (!taking) return null;
  const parent = `${taking.union.path}.${taking.union.discriminator}`;
  const swept = rows.find((r) => r.key !== row.key && r.path.trim() === parent && r.mode === 'values');
  if (!swept) return null;
  const values = rowValues(swept).map(String).filter((v) => taking.values.includes(v));
  return values.length ? { parent, values } : null;
}

/** Whether this row sweeps a discriminator (paradigm.kind): then each value gets its own options. */
export function isDiscriminatorRow(row: ParamRow): boolean {
  return row.mode === 'values' && discriminatorAt(row.path.trim()) !== null;
}
