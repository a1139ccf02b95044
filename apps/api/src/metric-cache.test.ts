import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricSeriesCache } from './metric-cache.js';
import type { MetricSeries } from './downsample.js';

const series = (n: number): MetricSeries => ({ runId: 'r', totalPoints: n, downsampled: false, bucketSize: 1, points: [] });

test('finished runs are cached per (run version, query); runs in progress are always computed', async () => {
  const c = new MetricSeriesCache();
  let computed = 0;
  const compute = async () => series(++computed);
  const t = new Date('2026-01-01T00:00:00Z');
  const done = { id: 'r', status: 'succeeded' as const, updatedAt: t };
  assert.equal((await c.get(done, { maxPoints: 500 }, compute)).totalPoints, 1);
  assert.equal((await c.get(done, { maxPoints: 500 }, compute)).totalPoints, 1, 'a hit');
  assert.equal((await c.get(done, { maxPoints: 100 }, compute)).totalPoints, 2, 'other arguments, other entry');
  // a retry changes the status and updatedAt: never served from the old entry
  const retried = { ...done, status: 'running' as const, updatedAt: new Date(t.getTime() + 1) };
  assert.equal((await c.get(retried, { maxPoints: 500 }, compute)).totalPoints, 3);
  assert.equal((await c.get(retried, { maxPoints: 500 }, compute)).totalPoints, 4, 'in progress: not cached');
  const finishedAgain = { ...done, updatedAt: new Date(t.getTime() + 2) };
  assert.equal((await c.get(finishedAgain, { maxPoints: 500 }, compute)).totalPoints, 5);
  assert.deepEqual({ hits: c.hits, misses: c.misses }, { hits: 1, misses: 3 });
});

test('the least recently used entry goes first when full', async () => {
  const c = new MetricSeriesCache(2);
  const run = (id: string) => ({ id, status: 'failed' as const, updatedAt: new Date(0) });
  let computed = 0;
  const compute = async () => series(++computed);
  await c.get(run('a'), {}, compute);
  await c.get(run('b'), {}, compute);
  await c.get(run('a'), {}, compute); // a is now the most recent
  await c.get(run('c'), {}, compute); // evicts b
  assert.equal(c.size, 2);
  assert.equal((await c.get(run('a'), {}, compute)).totalPoints, 1);
  assert.equal((await c.get(run('b'), {}, compute)).totalPoints, 4, 'b was evicted and is computed again');
});
