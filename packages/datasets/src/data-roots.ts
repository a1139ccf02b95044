// Data roots (DATA_ROOTS): the only places a platform run may read data from by path, so that `data.path` cannot
// name /etc/passwd or another run's files. Local roots are directories, matched after symbolic links are resolved
// (realpath); s3:// roots are bucket prefixes that registered datasets may point into. Errors carry a code and the
// path the user gave, never what is at the path.
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export type DataPathErrorCode = 'DATA_PATH_INVALID' | 'DATA_PATH_OUTSIDE_ROOTS' | 'DATA_PATH_NOT_FOUND' | 'DATA_ROOTS_INVALID';

/** A data path that may not be read. Permanent: retrying the run cannot help. */
export class DataPathError extends Error {
  readonly permanent = true;
  constructor(
    readonly code: DataPathErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DataPathError';
  }
}

export interface S3Location {
  bucket: string;
  /** Object key, or a folder-like prefix without its trailing slash ('' = the whole bucket). */
  key: string;
}

/** `s3://bucket/key` → its parts; null when it is not one. Keys with empty, `.` or `..` segments are refused (a URL
 * parser would collapse them and leave the prefix). */
export function parseS3Uri(uri: string): S3Location | null {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!m) return null;
  const key = (m[2] ?? '').replace(/\/+$/, '');
  if (key && key.split('/').some((s) => s === '' || s === '.' || s === '..')) return null;
  if (hasControlChars(key)) return null;
  return { bucket: m[1], key };
}

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Whether `inner` is `outer` or lies below it (both absolute, normalised). */
export function within(inner: string, outer: string): boolean {
  const r = relative(outer, inner);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r) && r.split(sep)[0] !== '..');
}

export class DataRoots {
  private constructor(
    /** Absolute local roots, as configured (resolved against the working directory). */
    readonly local: string[],
    readonly s3: S3Location[],
  ) {}

  /** `DATA_ROOTS`: comma-separated directories (absolute, or relative to `cwd`) and `s3://bucket/prefix` entries. */
  static parse(spec: string, cwd = process.cwd()): DataRoots {
    const local: string[] = [];
    const s3: S3Location[] = [];
    for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (raw.startsWith('s3://')) {
        const loc = parseS3Uri(raw);
        if (!loc) throw new DataPathError('DATA_ROOTS_INVALID', `DATA_ROOTS: '${raw}' is not s3://bucket[/prefix]`);
        s3.push(loc);
      } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
        throw new DataPathError('DATA_ROOTS_INVALID', `DATA_ROOTS: '${raw}': only directories and s3:// prefixes are supported`);
      } else local.push(resolve(cwd, raw));
    }
    return new DataRoots(local, s3);
  }

  /** Human-readable list for logs (never for error messages sent to users). */
  describe(): string {
    return [...this.local, ...this.s3.map((l) => `s3://${l.bucket}/${l.key}`)].join(', ') || '(none)';
  }

  /** Whether an s3:// URI lies under one of the s3 roots. */
  containsS3(uri: string): boolean {
    const loc = parseS3Uri(uri);
    if (!loc || !loc.key) return false;
    return this.s3.some((r) => r.bucket === loc.bucket && (r.key === '' || loc.key.startsWith(r.key + '/')));
  }

  /**
   * Fails when a folder the platform writes (the work folder, a directory artifact store) overlaps a data root: every
   * user could then read other runs' files through `data.path`.
   */
  assertSeparateFrom(dir: string, what: string): void {
    const d = resolve(dir);
    for (const r of this.local)
      if (within(d, r) || within(r, d)) throw new DataPathError('DATA_ROOTS_INVALID', `DATA_ROOTS: ${r} overlaps ${what} (${d}); data roots must hold data only`);
  }

  /** Fails when an s3 root overlaps the artifact store's own bucket prefix (other projects' artifacts and datasets). */
  assertSeparateFromS3(store: S3Location, what: string): void {
    for (const r of this.s3) {
      if (r.bucket !== store.bucket) continue;
      const a = r.key ? r.key + '/' : '';
      const b = store.key ? store.key + '/' : '';
      if (a.startsWith(b) || b.startsWith(a)) throw new DataPathError('DATA_ROOTS_INVALID', `DATA_ROOTS: s3://${r.bucket}/${r.key} overlaps ${what}; data roots must hold data only`);
    }
  }

  /**
   * The real path of `path` (absolute, or relative to a root) when it lies inside a local root after resolving
   * symbolic links, as do the symbolic links beside it that a source may open (a directory's files; a file's
   * siblings such as MovieLens' u.user next to u.data). Otherwise a DataPathError naming the problem.
   */
  async resolveLocal(path: string): Promise<string> {
    if (typeof path !== 'string' || !path || path.length > 4096 || hasControlChars(path))
      throw new DataPathError('DATA_PATH_INVALID', 'data.path must be a non-empty path of printable characters');
    const roots = (await Promise.all(this.local.map(async (root) => ({ root, real: await realpath(root).catch(() => null) })))).filter(
      (r): r is { root: string; real: string } => r.real !== null,
    );
    const inside = (p: string) => roots.some((r) => within(p, r.real));
    let missing = false;
    let escapes = false;
    for (const { root, real: rootReal } of roots) {
      const candidate = isAbsolute(path) ? resolve(path) : resolve(root, path);
      if (!within(candidate, root) && !within(candidate, rootReal)) continue;
      let real: string;
      try {
        real = await realpath(candidate);
      } catch {
        missing = true;
        continue;
      }
      if (!inside(real) || !(await neighboursInside(real, inside))) {
        escapes = true;
        continue;
      }
      return real;
    }
    if (escapes) throw new DataPathError('DATA_PATH_OUTSIDE_ROOTS', `data.path '${path}' leads outside the data roots through a symbolic link`);
    if (missing) throw new DataPathError('DATA_PATH_NOT_FOUND', `data.path '${path}' does not exist under the data roots`);
    throw new DataPathError(
      'DATA_PATH_OUTSIDE_ROOTS',
      `data.path '${path}' is outside the data roots (DATA_ROOTS): give a path relative to a data root, or register the file as a dataset (driftprune dataset push) and use data.dataset`,
    );
  }
}

/** The symbolic links a source may follow from `real` (entries of the folder, or of the file's folder) stay inside. */
async function neighboursInside(real: string, inside: (p: string) => boolean): Promise<boolean> {
  const dir = (await stat(real)).isDirectory() ? real : dirname(real);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!e.isSymbolicLink()) continue;
    const target = await realpath(join(dir, e.name)).catch(() => null);
    if (target !== null && !inside(target)) return false;
  }
  return true;
}
