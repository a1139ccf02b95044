// How a stream is cut into windows: by calendar day, ISO week or hour (UTC), or every N rows.
import type { WindowRule } from '@driftprune/config';

export type ParsedWindowRule = { kind: 'day' | 'week' | 'hour' } | { kind: 'rows'; rows: number };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday (ISO 8601). */
const WEEK_OFFSET = 3 * DAY;

export function parseWindowRule(rule: WindowRule | string): ParsedWindowRule {
  if (rule === 'day' || rule === 'week' || rule === 'hour') return { kind: rule };
  const m = /^rows:([1-9][0-9]*)$/.exec(rule);
  if (m) return { kind: 'rows', rows: Number(m[1]) };
  throw new Error(`window must be day, week, hour or rows:N, got '${rule}'`);
}

/** The window key of a time in ms (time rules only): consecutive integers for consecutive windows. */
export function timeWindowKey(kind: 'day' | 'week' | 'hour', ms: number): number {
  if (kind === 'day') return Math.floor(ms / DAY);
  if (kind === 'hour') return Math.floor(ms / HOUR);
  return Math.floor((ms + WEEK_OFFSET) / WEEK);
}

/** [start, end) in ms of a time window key. */
export function timeWindowRange(kind: 'day' | 'week' | 'hour', key: number): { start: number; end: number } {
  if (kind === 'day') return { start: key * DAY, end: (key + 1) * DAY };
  if (kind === 'hour') return { start: key * HOUR, end: (key + 1) * HOUR };
  return { start: key * WEEK - WEEK_OFFSET, end: (key + 1) * WEEK - WEEK_OFFSET };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISO 8601 week-numbering year and week of the Monday that starts a week window. */
export function isoWeek(mondayMs: number): { year: number; week: number } {
  // The ISO year is the year of the week's Thursday; week 1 holds the year's first Thursday.
  const thursday = new Date(mondayMs + WEEK_OFFSET);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / WEEK) + 1;
  return { year, week };
}

/** A readable id: `1997-09-20` (day), `1997-W38` (week), `14102100` (hour, Avazu's YYMMDDHH). */
export function timeWindowId(kind: 'day' | 'week' | 'hour', key: number): string {
  const { start } = timeWindowRange(kind, key);
  const d = new Date(start);
  if (kind === 'day') return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (kind === 'hour') return `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}`;
  const { year, week } = isoWeek(start);
  return `${year}-W${pad(week)}`;
}

export const MS = { HOUR, DAY, WEEK };
