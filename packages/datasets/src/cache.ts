// A worker's dataset cache: content fetched once per hash into DIR/<sha256>/<file name>, checked against the hash,
// shared by the runs of this process, and bounded in size: before a fetch, the least recently used datasets that
// no run of this process holds are evicted until the new one fits. One cache folder per worker process (the holds
// are counted in memory).
import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

export type DatasetErrorCode =
  | 'DATASET_NOT_FOUND'
  | 'DATASET_NOT_READY'
  | 'DATASET_HASH_MISMATCH'
  | 'DATASET_TOO_LARGE_FOR_CACHE'
  | 'DATASET_CACHE_FULL'
  | 'DATASET_OUTSIDE_ROOTS';

/** A dataset a run cannot use. `permanent` unless another run may free room (DATASET_CACHE_FULL). */
export class DatasetError extends Error {
  readonly permanent: boolean;
  constructor(
    readonly code: DatasetErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DatasetError';
    this.permanent = code !== 'DATASET_CACHE_FULL';
  }
}

export interface CacheRequest {
  sha256: string;
  sizeBytes: number;
  /** The name the file gets in the cache (sources read meaning from names: .gz, Criteo's day_N). */
  fileName: string;
  /** What to call it in messages (never a server path). */
  label: string;
  /** Writes the content to `path` and returns the sha256 and size of what it wrote. */
  fetch(path: string, signal?: AbortSignal): Promise<{ sha256: string; sizeBytes: number }>;
}

export interface CacheHold {
  path: string;
  /** Served from the cache without a fetch. */
  hit: boolean;
  release(): void;
}

interface Entry {
  sha256: string;
  bytes: number;
  usedAt: number;
}

const SHA = /^[0-9a-f]{64}$/;

/** A file name safe to create in the cache: its last path segment, harmless characters only. */
export function safeFileName(name: string | null | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return base.slice(-100) || 'data';
}

export class DatasetCache {
  private readonly holds = new Map<string, number>();
  private readonly fetching = new Map<string, Promise<void>>();
  private ready: Promise<void> | null = null;
  /** Bytes of fetches in progress, counted against the bound before they land. */
  private reserved = 0;
  /** Fetches and evictions since start (for logs and tests). */
  readonly counters = { hits: 0, fetches: 0, evictions: 0, evictedBytes: 0 };

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    private readonly log: (m: string) => void = () => {},
  ) {}

  /** Leftovers of fetches interrupted by a crash are removed once, before the first use. */
  private init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      for (const name of await readdir(this.dir)) if (name.startsWith('.tmp-')) await rm(join(this.dir, name), { recursive: true, force: true });
    })();
    return this.ready;
  }

  /** The cached file of a dataset, fetched first when missing. Hold it while a run reads it; release() after. */
  async acquire(req: CacheRequest, signal?: AbortSignal): Promise<CacheHold> {
    if (!SHA.test(req.sha256)) throw new DatasetError('DATASET_NOT_READY', `${req.label} has no content hash`);
    if (req.sizeBytes > this.maxBytes)
      throw new DatasetError('DATASET_TOO_LARGE_FOR_CACHE', `${req.label} (${mib(req.sizeBytes)} MiB) is larger than this worker's dataset cache (DATASET_CACHE_MB=${mib(this.maxBytes)})`);
    await this.init();
    // hold before fetching, so that a concurrent eviction never picks what this run is about to read
    this.holds.set(req.sha256, (this.holds.get(req.sha256) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const n = (this.holds.get(req.sha256) ?? 1) - 1;
      if (n > 0) this.holds.set(req.sha256, n);
      else this.holds.delete(req.sha256);
    };
    try {
      const entryDir = join(this.dir, req.sha256);
      const fileName = safeFileName(req.fileName);
      let hit = true;
      if (!(await exists(entryDir))) {
        hit = false;
        let pending = this.fetching.get(req.sha256);
        if (!pending) {
          pending = this.fetchEntry(req, fileName, signal).finally(() => this.fetching.delete(req.sha256));
          this.fetching.set(req.sha256, pending);
        }
        await pending;
      }
      const path = join(entryDir, fileName);
      if (!(await exists(path))) {
        // the same bytes under another name (sources read meaning from names): a hard link, no second copy
        const [first] = await readdir(entryDir);
        await link(join(entryDir, first), path).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST') throw e;
        });
      }
      const now = new Date();
      await utimes(entryDir, now, now);
      if (hit) this.counters.hits++;
      return { path, hit, release };
    } catch (e) {
      release();
      throw e;
    }
  }

  private async fetchEntry(req: CacheRequest, fileName: string, signal?: AbortSignal): Promise<void> {
    await this.makeRoom(req.sizeBytes, req.label);
    const tmp = join(this.dir, `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(tmp);
      const got = await req.fetch(join(tmp, fileName), signal);
      if (got.sha256 !== req.sha256 || got.sizeBytes !== req.sizeBytes)
        throw new DatasetError(
          'DATASET_HASH_MISMATCH',
          `${req.label}: the fetched content (${got.sizeBytes} bytes, sha256 ${got.sha256.slice(0, 12)}…) is not the registered one (${req.sizeBytes} bytes, sha256 ${req.sha256.slice(0, 12)}…)`,
        );
      await rename(tmp, join(this.dir, req.sha256)).catch(async (e: NodeJS.ErrnoException) => {
        // another process of the same cache folder got there first: its copy is as good as ours
        if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
      });
      this.counters.fetches++;
      this.log(`dataset cache: fetched ${req.label} (${mib(req.sizeBytes)} MiB)`);
    } finally {
      this.reserved -= req.sizeBytes;
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /** What the cache holds, least recently used first. */
  async entries(): Promise<Entry[]> {
    await this.init();
    const out: Entry[] = [];
    for (const name of await readdir(this.dir)) {
      if (!SHA.test(name)) continue;
      const d = join(this.dir, name);
      const st = await stat(d).catch(() => null);
      if (!st) continue;
      // hard links of one content count once
      const files = await readdir(d).catch(() => [] as string[]);
      const first = files.length ? await stat(join(d, files[0])).catch(() => null) : null;
      out.push({ sha256: name, bytes: first?.size ?? 0, usedAt: st.mtimeMs });
    }
    return out.sort((a, b) => a.usedAt - b.usedAt);
  }

  private async makeRoom(bytes: number, label: string): Promise<void> {
    const entries = await this.entries();
    let total = entries.reduce((n, e) => n + e.bytes, 0);
    for (const e of entries) {
      if (total + this.reserved + bytes <= this.maxBytes) break;
      if (this.holds.has(e.sha256)) continue;
      await rm(join(this.dir, e.sha256), { recursive: true, force: true });
      total -= e.bytes;
      this.counters.evictions++;
      this.counters.evictedBytes += e.bytes;
      this.log(`dataset cache: evicted ${e.sha256.slice(0, 12)}… (${mib(e.bytes)} MiB, least recently used)`);
    }
    // no await from this check to the reservation: concurrent fetches see each other's bytes
    if (total + this.reserved + bytes > this.maxBytes)
      throw new DatasetError('DATASET_CACHE_FULL', `${label}: the dataset cache is full of datasets that running runs use; the run will be retried`);
    this.reserved += bytes;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

const mib = (b: number) => (b / 2 ** 20).toFixed(1);
