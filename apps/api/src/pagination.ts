// Cursor pagination: opaque base64url cursors holding the sort key and id of the last row (keyset), or an offset
// for orderings that cannot be compared in a WHERE clause.
import { badInput } from './errors.js';

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
  throw badInput(`invalid cursor "${cursor.slice(0, 40)}": pass pageInfo.endCursor from the previous page`);
}

export type Dir = 'asc' | 'desc';

/**
 * Prisma `where` for rows after the cursor in the order (field dir, id dir). `value` is the sort value of the last
 * row (dates travel as ISO strings).
 */
export function keysetWhere(field: string, dir: Dir, cursor: unknown[], isDate: boolean): Record<string, unknown> {
  const [raw, id] = cursor;
  if (typeof id !== 'string') throw badInput('invalid cursor');
  const value = isDate ? new Date(String(raw)) : raw;
  if (isDate && Number.isNaN((value as Date).getTime())) throw badInput('invalid cursor');
  const op = dir === 'desc' ? 'lt' : 'gt';
  return { OR: [{ [field]: { [op]: value } }, { [field]: value, id: { [op]: id } }] };
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
