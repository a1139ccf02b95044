import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sweepStatusOf } from './sweep-status.js';

const c = (o: Partial<Record<'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'stopped', number>>) => {
  const x = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, stopped: 0, ...o };
  return { ...x, total: x.queued + x.running + x.succeeded + x.failed + x.cancelled + x.stopped };
};

test('sweep status follows its runs', () => {
  assert.equal(sweepStatusOf(c({ queued: 3 })), 'queued');
  assert.equal(sweepStatusOf(c({ queued: 2, running: 1 })), 'running');
  assert.equal(sweepStatusOf(c({ queued: 2, succeeded: 1 })), 'running');
  assert.equal(sweepStatusOf(c({ succeeded: 3 })), 'succeeded');
  assert.equal(sweepStatusOf(c({ failed: 3 })), 'failed');
  assert.equal(sweepStatusOf(c({ cancelled: 3 })), 'cancelled');
  assert.equal(sweepStatusOf(c({ failed: 1, cancelled: 2 })), 'failed');
  assert.equal(sweepStatusOf(c({ succeeded: 2, failed: 1 })), 'partial');
  assert.equal(sweepStatusOf(c({ succeeded: 2, cancelled: 1 })), 'partial');
  // runs the sweep's early-stopping rule ended finished as planned
  assert.equal(sweepStatusOf(c({ succeeded: 1, stopped: 2 })), 'succeeded');
  assert.equal(sweepStatusOf(c({ running: 1, stopped: 2 })), 'running');
  assert.equal(sweepStatusOf(c({ stopped: 2, failed: 1 })), 'partial');
});

test('a tpe sweep with points left to propose stays running between its runs, unless a person cancelled it', () => {
  assert.equal(sweepStatusOf(c({ succeeded: 2 }), true), 'running');
  assert.equal(sweepStatusOf(c({ succeeded: 1, failed: 1 }), true), 'running');
  assert.equal(sweepStatusOf(c({ cancelled: 2 }), true), 'cancelled');
  assert.equal(sweepStatusOf(c({ succeeded: 3, cancelled: 1 }), true), 'partial', 'a cancel ends the search');
  assert.equal(sweepStatusOf(c({ succeeded: 2 }), false), 'succeeded');
});
