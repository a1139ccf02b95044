// The runs table's view (filters, sort, grouping, columns) as URL query parameters, so that a view can be shared,
// bookmarked and restored by the back button. Every value read from the URL is checked: a hand-edited link shows
// the default view for what it cannot read, never an error.
import type { SortKey } from './table.js';

export interface TableView {
  statuses: string[];
  /** Parameter path → accepted values; an empty list is a filter row with nothing ticked yet. */
  params: Record<string, string[]>;
  text: string;
  sort: { key: SortKey; dir: 'asc' | 'desc' };
  groupBy: string;
  /** Shown optional columns; null = the default set. */
  columns: string[] | null;
}

export const DEFAULT_SORT: TableView['sort'] = { key: { kind: 'metric', name: 'createdMs' }, dir: 'desc' };

export const DEFAULT_VIEW: TableView = { statuses: [], params: {}, text: '', sort: DEFAULT_SORT, groupBy: '', columns: null };

const STATUSES = new Set(['queued', 'running', 'succeeded', 'stopped', 'failed', 'cancelled']);
const MAX = 200;

function sortText(k: SortKey): string {
  if (k.kind === 'field') return `field:${k.field}`;
  if (k.kind === 'param') return `param:${k.path}`;
  return `metric:${k.name}`;
}

function parseSort(s: string | null): SortKey | null {
  if (!s) return null;
  const i = s.indexOf(':');
  const kind = s.slice(0, i);
  const rest = s.slice(i + 1, i + 1 + MAX);
  if (i < 0 || !rest) return null;
  if (kind === 'field') return rest === 'name' || rest === 'status' || rest === 'id' ? { kind, field: rest } : null;
  if (kind === 'param') return { kind, path: rest };
  if (kind === 'metric') return { kind, name: rest };
  return null;
}

/** The view as query parameters; defaults are left out so that a plain table has a plain URL. */
export function viewToQuery(v: TableView): URLSearchParams {
  const q = new URLSearchParams();
  if (v.statuses.length) q.set('status', v.statuses.join(','));
  if (v.text) q.set('q', v.text);
  for (const [path, values] of Object.entries(v.params)) {
    if (values.length === 0) q.append('f', path);
    for (const value of values) q.append('f', `${path}=${value}`);
  }
  if (sortText(v.sort.key) !== sortText(DEFAULT_SORT.key) || v.sort.dir !== DEFAULT_SORT.dir) {
    q.set('sort', sortText(v.sort.key));
    q.set('dir', v.sort.dir);
  }
  if (v.groupBy) q.set('group', v.groupBy);
  if (v.columns) q.set('cols', v.columns.join(','));
  return q;
}

export function viewFromQuery(q: URLSearchParams): TableView {
  const statuses = (q.get('status') ?? '')
    .split(',')
    .filter((s) => STATUSES.has(s));
  const params: Record<string, string[]> = {};
  for (const f of q.getAll('f').slice(0, MAX)) {
    const i = f.indexOf('=');
    const path = (i < 0 ? f : f.slice(0, i)).slice(0, MAX);
    if (!path) continue;
    // Own-property bag: a path such as __proto__ is just a key here.
    if (!Object.prototype.hasOwnProperty.call(params, path)) Object.defineProperty(params, path, { value: [], enumerable: true, writable: true, configurable: true });
    if (i >= 0) params[path].push(f.slice(i + 1, i + 1 + MAX));
  }
  const key = parseSort(q.get('sort'));
  const dir = q.get('dir') === 'asc' ? 'asc' : q.get('dir') === 'desc' ? 'desc' : DEFAULT_SORT.dir;
  const cols = q.get('cols');
  return {
    statuses,
    params,
    text: (q.get('q') ?? '').slice(0, MAX),
    sort: key ? { key, dir } : DEFAULT_SORT,
    groupBy: (q.get('group') ?? '').slice(0, MAX),
    columns: cols === null ? null : cols.split(',').filter(Boolean).slice(0, MAX),
  };
}

/**
 * Tells the table's own URL writes from navigation (back/forward, a link). router.replace lands later, one write at a
 * time: under load the URL of an older write can arrive after newer ones were made, and following it would undo the
 * newer changes (a ticked checkbox springs back). A query the table wrote is therefore never followed; any other is.
 */
export class UrlWrites {
  /** Queries written and not yet seen in the URL, oldest first. */
  private pending: string[] = [];
  constructor(private current: string) {}

  /** The table asks for `query`; false when the URL already shows it (nothing will arrive). */
  write(query: string): boolean {
    const last = this.pending.length ? this.pending[this.pending.length - 1] : this.current;
    if (query === last) return false;
    this.pending.push(query);
    // A write the router dropped (superseded before it landed) must not pile up.
    if (this.pending.length > 50) this.pending.shift();
    return true;
  }

  /** The URL now shows `query`: true when the table should follow it (navigation), false for one of its own writes. */
  arrived(query: string): boolean {
    if (query === this.current) return false;
    this.current = query;
    const i = this.pending.indexOf(query);
    if (i >= 0) {
      this.pending = this.pending.slice(i + 1);
      return false;
    }
    this.pending = [];
    return true;
  }
}
