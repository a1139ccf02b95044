// Downsampled metric series of finished runs, kept in memory. A finished run's metrics no longer change: every path
// that lets a run write again (retryRun) first changes its status, which bumps Run.updatedAt, and updatedAt is part
// of the key. So an entry can never be stale; runs still in progress are always read from Postgres.
import type { Run } from '@driftprune/db';
import type { MetricSeries, SeriesQuery } from './downsample.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);
const MAX_ENTRIES = 500;

export type RunVersion = Pick<Run, 'id' | 'status' | 'updatedAt'>;

export class MetricSeriesCache {
  private readonly entries = new Map<string, MetricSeries>();
  hits = 0;
  misses = 0;
  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  /** The cache key, or null when the run may still write metrics (not cacheable). */
  static keyOf(run: RunVersion, q: Omit<SeriesQuery, 'runId'>): string | null {
    if (!FINISHED.has(run.status)) return null;
    return [run.id, run.updatedAt.getTime(), q.model ?? '', q.fromWindow ?? '', q.toWindow ?? '', q.maxPoints ?? ''].join('|');
  }

  async get(run: RunVersion, q: Omit<SeriesQuery, 'runId'>, compute: () => Promise<MetricSeries>): Promise<MetricSeries> {
    const key = MetricSeriesCache.keyOf(run, q);
    if (key === null) return compute();
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      // most recently used last: Map keeps insertion order, so the first key is the least recently used
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    this.misses++;
    const series = await compute();
    this.entries.set(key, series);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return series;
  }

  get size() {
    return this.entries.size;
  }
}
