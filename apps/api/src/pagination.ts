// Cursor pagination: opaque base64url cursors holding the sort key and id of the last row (keyset), or an offset
// for orderings that cannot be compared in a WHERE clause.
import type { Keyset, SortDir } from '@driftprune/db';
import { badInput, isUuid } from './errors.js';

export const MAX_PAGE = 200;

export function pageSize(first: number | null | undefined, fallback = 20): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw badInput(`first must be an integer in 1..${MAX_PAGE} (got ${n})`);
  return n;
}

export function encodeCursor(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2) return v;
  } catch {
    // fall through
  }
  throw badInput(`invalid cursor "${cursor.slice(0, 40)}": pass pageInfo.endCursor from the previous page`, undefined, { reason: 'BAD_CURSOR' });
}

export type Dir = SortDir;

/** The type of a list's sort key: what a cursor's value must be. */
export type SortKind = 'date' | 'text' | 'number';

const badCursor = (why: string) => badInput(`invalid cursor (${why}): pass pageInfo.endCursor from the previous page`, undefined, { reason: 'BAD_CURSOR' });

/** A cursor's sort value, checked against the list's sort key (cursors are opaque to clients but not trusted). */
function sortValue(raw: unknown, kind: SortKind): Date | string | number {
  if (kind === 'date') {
    const d = typeof raw === 'string' ? new Date(raw) : null;
    if (!d || Number.isNaN(d.getTime())) throw badCursor('not a date');
    return d;
  }
  if (kind === 'number') {
    if (typeof raw !== 'number' || !Number.isFinite(raw)) throw badCursor('not a number');
    return raw;
  }
  if (typeof raw !== 'string' || raw.includes('\u0000') || raw.length > 1_000) throw badCursor('not a name');
  return raw;
}

/**
 * The keyset of a cursor: the sort value of the previous page's last row (dates as ISO strings) and its id. Both are
 * validated, so a forged cursor is BAD_USER_INPUT, never a database error.
 */
export function keysetOf(cursor: unknown[], kind: SortKind): Keyset {
  const [raw, id] = cursor;
  if (typeof id !== 'string' || !isUuid(id)) throw badCursor('not an id');
  return { value: sortValue(raw, kind), id };
}

/** Largest offset an offset cursor may hold (lists sorted by status): far past any real list, well inside Postgres. */
export const MAX_OFFSET = 1_000_000_000;

/** The offset of an offset cursor (`["o", n]`). */
export function offsetOf(cursor: unknown[]): number {
  const [tag, n] = cursor;
  if (tag !== 'o' || typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_OFFSET) throw badCursor('not an offset');
  return n;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** Builds a connection from `take + 1` fetched rows. */
export function connection<T>(rows: T[], take: number, totalCount: number, cursorOf: (row: T, index: number) => string): Connection<T> {
  const hasNextPage = rows.length > take;
  const nodes = hasNextPage ? rows.slice(0, take) : rows;
  const edges = nodes.map((node, i) => ({ cursor: cursorOf(node, i), node }));
  return { edges, nodes, pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null }, totalCount };
}
