import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { Worker as BullWorker } from 'bullmq';
import type { ClaimsDeps, RunJobData } from '@driftprune/runs';
import { watchStalledJobs } from './stalled.js';

test('a failed delivery is logged with its reason, not retried in silence', () => {
  const worker = new EventEmitter();
  const lines: string[] = [];
  watchStalledJobs(worker as unknown as BullWorker<RunJobData>, {} as ClaimsDeps, (m) => lines.push(m));
  worker.emit('failed', { data: { runId: 'run-1' }, attemptsMade: 1, opts: { attempts: 2 } }, new Error('run run-1 (running) changed meanwhile; cancel refused'));
  assert.deepEqual(lines, ['run run-1: job attempt 1 of 2 failed: run run-1 (running) changed meanwhile; cancel refused']);
  worker.emit('failed', undefined, new Error('no job'));
  assert.equal(lines.length, 1);
});
