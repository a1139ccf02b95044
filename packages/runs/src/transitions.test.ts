// The run status table, pair by pair: the expected matrix is written out here, independently of the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLegal, RUN_STATUSES, RUN_TRANSITIONS, RunTransitionError, TRANSITION_NAMES, type RunTransition } from './transitions.js';

const S = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'stopped'] as const;
// rows: transitions; columns: the status it starts from (Q R S F C St); 1 = legal
const EXPECTED: Record<RunTransition, { legal: string; to: string }> = {
  claim: { legal: '110000', to: 'running' },
  succeed: { legal: '010000', to: 'succeeded' },
  stop: { legal: '010000', to: 'stopped' },
  fail: { legal: '110000', to: 'failed' },
  retry: { legal: '000110', to: 'queued' },
  cancel: { legal: '110000', to: 'cancelled' },
  requeue: { legal: '110000', to: 'queued' },
  delete: { legal: '111111', to: 'deleted' },
};

test('the table places every status and names exactly the eight transitions', () => {
  assert.deepEqual([...RUN_STATUSES], [...S]);
  assert.deepEqual([...TRANSITION_NAMES].sort(), Object.keys(EXPECTED).sort());
});

for (const t of Object.keys(EXPECTED) as RunTransition[])
  for (const [i, from] of S.entries()) {
    const legal = EXPECTED[t].legal[i] === '1';
    test(`${t} from ${from}: ${legal ? `legal → ${EXPECTED[t].to}` : 'refused'}`, () => {
      assert.equal(isLegal(t, from), legal);
      assert.equal(RUN_TRANSITIONS[t].to, EXPECTED[t].to);
    });
  }

test('a finished run never becomes running again except through retry (to queued)', () => {
  for (const from of ['succeeded', 'failed', 'cancelled', 'stopped'] as const)
    for (const t of TRANSITION_NAMES) if (isLegal(t, from)) assert.ok(t === 'retry' || t === 'delete', `${t} from ${from}`);
});

test('refusals carry a code and say what was refused', () => {
  const e = new RunTransitionError('ILLEGAL_TRANSITION', 'retry', 'r1', 'running');
  assert.equal(e.code, 'ILLEGAL_TRANSITION');
  assert.match(e.message, /run r1 is running; retry needs a run that is failed or cancelled/);
  assert.match(new RunTransitionError('RUN_NOT_FOUND', 'cancel', 'r2', null).message, /run r2 not found/);
  assert.match(new RunTransitionError('PRECONDITION_FAILED', 'succeed', 'r3', 'running').message, /changed meanwhile/);
});
