import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toRunRow, type ApiRun } from './run-rows.js';

const run = (over: Partial<ApiRun>): ApiRun => ({ id: '00000000-0000-4000-8000-000000000001', name: 'r', status: 'succeeded', progress: 1, seed: 1, config: {}, ...over });

test('the status note says why a run ended where it did: the early-stopping reason, or a failed run’s error', () => {
  assert.equal(toRunRow(run({ status: 'stopped', earlyStop: { reason: 'stopped early at window 1 by rule median' } })).statusNote, 'stopped early at window 1 by rule median');
  assert.equal(toRunRow(run({ status: 'failed', error: 'budget 0.97 cannot be met' })).statusNote, 'budget 0.97 cannot be met');
  // An error left from an earlier attempt says nothing about a run that went on to succeed.
  assert.equal(toRunRow(run({ status: 'succeeded', error: 'worker lost' })).statusNote, undefined);
  assert.equal(toRunRow(run({ status: 'failed', error: null })).statusNote, undefined);
});
