// Where tests find the real data sets: $DRIFTPRUNE_SHARED_DATA, else <repo>/../shared/data (read-only, never copied
// into the repo).
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

const fromEnv = process.env.DRIFTPRUNE_SHARED_DATA;
export const SHARED_DATA = fromEnv ? resolve(fromEnv) : resolve(repoRoot(), '..', 'shared', 'data');

/**
 * `false` when the test must run, else a skip message for node:test. A data set is skipped only when there is no
 * shared data folder at all (a fresh clone): when DRIFTPRUNE_SHARED_DATA names a folder that exists, a data set
 * missing from it is a failure of the test, not a skip.
 */
export function skipUnlessShared(sub: string): false | string {
  if (existsSync(join(SHARED_DATA, sub))) return false;
  if (fromEnv && existsSync(SHARED_DATA)) return false;
  return `shared data ${join(SHARED_DATA, sub)} is absent (tests read real data from $DRIFTPRUNE_SHARED_DATA or <repo>/../shared/data)`;
}

export const shared = (...p: string[]) => join(SHARED_DATA, ...p);
