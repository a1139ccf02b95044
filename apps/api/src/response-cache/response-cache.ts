// Serialized GraphQL responses of read-only queries, reused while nothing they may depend on has changed.
//
// Dashboards poll the same few queries (experiment lists, a run's metric series) from many clients; executing and
// serialising them costs milliseconds of CPU each, a cached body microseconds. An entry is valid while
//   - the versions of the caller's projects and the global version are those seen when its request *started*
//     (a write bumps its project's version after it commits: a request that raced the write stored its body under
//     the old version, which no lookup matches any more), and
//   - it is younger than the TTL, a bound on staleness for writes that announce nothing (run heartbeats).
// Writers announce themselves: this API's mutations bump the global version; workers' run, metric and "changed"
// events bump their project's version (see invalidation.ts).

export interface CachedResponse {
  /** The response body, UTF-8 encoded once. */
  body: Buffer;
  contentType: string;
}

interface Entry extends CachedResponse {
  version: number;
  storedAt: number;
  bytes: number;
}

export interface ResponseCacheOptions {
  /** Longest time an entry is served (ms); 0 disables the cache. */
  ttlMs: number;
  /** Memory budget for bodies (bytes); least recently used entries go first. */
  maxBytes: number;
  now?: () => number;
}

export interface ResponseCacheStats {
  hits: number;
  misses: number;
  stores: number;
  evictions: number;
  entries: number;
  bytes: number;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly projectVersions = new Map<string, number>();
  private globalVersion = 0;
  private bytes = 0;
  private readonly now: () => number;
  readonly stats = { hits: 0, misses: 0, stores: 0, evictions: 0 };

  constructor(readonly options: ResponseCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  /** The version a response computed now for a caller seeing `projects` depends on. Versions only grow, so the sum changes whenever one does. */
  version(projects: readonly string[]): number {
    let v = this.globalVersion;
    for (const p of projects) v += this.projectVersions.get(p) ?? 0;
    return v;
  }

  get(key: string, projects: readonly string[]): CachedResponse | undefined {
    const e = this.entries.get(key);
    if (!e || e.version !== this.version(projects) || this.now() - e.storedAt > this.options.ttlMs) {
      if (e) this.drop(key, e);
      this.stats.misses++;
      return undefined;
    }
    // Most recently used last: eviction takes the first.
    this.entries.delete(key);
    this.entries.set(key, e);
    this.stats.hits++;
    return e;
  }

  /** Stores a body computed by a request that started at `version` (from version(projects) before it ran). */
  set(key: string, projects: readonly string[], version: number, response: CachedResponse): void {
    if (!this.enabled || version !== this.version(projects)) return; // something changed while it ran
    const bytes = response.body.length + key.length * 2 + 200;
    if (bytes > this.options.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    this.entries.set(key, { ...response, version, storedAt: this.now(), bytes });
    this.bytes += bytes;
    this.stats.stores++;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.options.maxBytes) break;
      this.drop(k, e);
      this.stats.evictions++;
    }
  }

  /** Something in `projectId` changed; without a project, anything may have changed. */
  invalidate(projectId?: string): void {
    if (projectId === undefined) this.globalVersion++;
    else this.projectVersions.set(projectId, (this.projectVersions.get(projectId) ?? 0) + 1);
  }

  snapshot(): ResponseCacheStats {
    return { ...this.stats, entries: this.entries.size, bytes: this.bytes };
  }

  private drop(key: string, e: Entry): void {
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }
}
