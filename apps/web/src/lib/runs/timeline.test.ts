import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTimeline } from './timeline.js';

test('a run timeline lists queueing, refreshes, stored files and the end in time order', () => {
  const t = runTimeline({
    queuedAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:01.000Z',
    finishedAt: '2026-01-01T00:00:09.000Z',
    status: 'failed',
    error: 'out of memory',
    attempts: 2,
    refreshes: [{ window: 2, seq: 0, trigger: 'delta_ne', jaccard: 0.8123, flopsRatio: 0.25, createdAt: '2026-01-01T00:00:05.000Z' }],
    artifacts: [{ kind: 'checkpoint', name: 'checkpoint/dense.ckpt', window: 1, createdAt: '2026-01-01T00:00:03.000Z', sizeBytes: 10 }],
  });
  assert.deepEqual(
    t.map((e) => e.message),
    [
      'queued',
      'started (attempt 2)',
      'stored checkpoint checkpoint/dense.ckpt (window 1), 10 bytes',
      'refresh at window 2 (delta_ne): FLOPs kept 25.0 %, mask Jaccard 0.812',
      'failed: out of memory',
    ],
  );
  assert.equal(t[t.length - 1].level, 'error');
});

test('a queued run with an earlier failed attempt shows the error as a warning', () => {
  const t = runTimeline({ queuedAt: '2026-01-01T00:00:00Z', startedAt: null, finishedAt: null, status: 'queued', error: 'worker lost', attempts: 1, refreshes: [], artifacts: [] });
  assert.deepEqual(t.map((e) => [e.level, e.message]), [['info', 'queued'], ['warn', 'last attempt failed: worker lost']]);
});
