// Dotted config paths ("pruning.budget"): the one parser for every place that sets or reads a config field by path —
// sweep parameters, the CLI's --set, the dashboard's forms and the API's params filter. A segment is an identifier;
// `__proto__`, `constructor` and `prototype` are refused everywhere, so no path can reach or replace a prototype
// (a sweep over `__proto__.polluted` once wrote into Object.prototype and brought the API down).
import { z } from 'zod';
import { ConfigError } from './validate.js';

/** Segments that name an object's prototype machinery rather than a config field. */
export const FORBIDDEN_PATH_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const SEGMENT = /^[A-Za-z_]\w*$/;
const MAX_SEGMENTS = 16;

/** What is wrong with a dotted config path, or null when it is usable. */
export function configPathProblem(path: string): string | null {
  if (typeof path !== 'string' || path === '') return 'a config path must be a non-empty string such as pruning.budget';
  const segments = path.split('.');
  if (segments.length > MAX_SEGMENTS) return `a config path has at most ${MAX_SEGMENTS} segments`;
  for (const s of segments) {
    if (FORBIDDEN_PATH_SEGMENTS.has(s)) return `"${s}" is not allowed in a config path (it names an object's prototype, not a config field)`;
    if (!SEGMENT.test(s)) return `"${path}" must be a dotted config path such as pruning.budget (letters, digits and _ between dots)`;
  }
  return null;
}

/** The segments of a dotted config path; a ConfigError (BAD_USER_INPUT) when it is not one. */
export function parseConfigPath(path: string): string[] {
  const problem = configPathProblem(path);
  if (problem) throw new ConfigError(`invalid config path: ${problem}`, [{ path: String(path), message: problem }]);
  return path.split('.');
}

/** Zod schema of a dotted config path (sweep parameter keys). */
export const configPath = z.string().superRefine((p, ctx) => {
  const problem = configPathProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Sets `obj[a][b][c] = value` for the path "a.b.c" on a deep copy, creating objects on the way. Only own properties
 * are followed, and each is defined as an own data property: inherited members are never read or written.
 */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = parseConfigPath(path);
  const out = structuredClone(obj);
  let cur: Record<string, unknown> = out;
  for (const k of keys.slice(0, -1)) {
    const next = Object.hasOwn(cur, k) ? cur[k] : undefined;
    if (!isRecord(next)) defineOwn(cur, k, {});
    cur = cur[k] as Record<string, unknown>;
  }
  defineOwn(cur, keys[keys.length - 1], value);
  return out;
}

function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Reads `obj.a.b.c` for "a.b.c" through own properties only; undefined when a step is missing or the path invalid. */
export function getPath(obj: unknown, path: string): unknown {
  if (configPathProblem(path)) return undefined;
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
