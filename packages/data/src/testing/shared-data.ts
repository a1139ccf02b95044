// Where tests find the real data sets: <repo>/../shared/data (read-only, never copied into the repo).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root: the nearest ancestor whose package.json declares workspaces. */
export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let d = resolve(from);
  for (;;) {
    const p = join(d, 'package.json');
    if (existsSync(p) && 'workspaces' in JSON.parse(readFileSync(p, 'utf8'))) return d;
    const up = dirname(d);
    if (up === d) throw new Error(`no monorepo root above ${from}`);
    d = up;
  }
}

export const SHARED_DATA = resolve(repoRoot(), '..', 'shared', 'data');

/** `false` when the data set is present, else a skip message for node:test. */
export function skipUnlessShared(sub: string): false | string {
  return existsSync(join(SHARED_DATA, sub))
    ? false
    : `shared data ${join(SHARED_DATA, sub)} is absent (tests read real data from <repo>/../shared/data)`;
}

export const shared = (...p: string[]) => join(SHARED_DATA, ...p);
