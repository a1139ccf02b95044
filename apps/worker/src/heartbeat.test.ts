import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Db } from '@driftprune/db';
import type { RunClaim } from '@driftprune/runs';
import { beatOnce } from './heartbeat.js';
import { Executions } from './executions.js';

const claim = (runId: string, attempt = 1) => ({ runId, attempt, workerId: 'w', run: {} }) as unknown as RunClaim;

/** The three statements a beat makes, against rows held here; `during` runs while the first one is awaited. */
function fakeDb(rows: { id: string; attempts: number; cancelRequested: boolean }[], during: () => void): Db {
  return {
    worker: {
      update: async () => {
        during();
        await new Promise((r) => setImmediate(r));
      },
    },
    run: {
      updateMany: async () => ({ count: 0 }),
      findMany: async ({ where }: { where: { id: { in: string[] } } }) => rows.filter((r) => where.id.in.includes(r.id)).map((r) => ({ ...r, status: 'running' })),
    },
  } as unknown as Db;
}

test('a run claimed while the beat awaits the database is not taken for deleted', async () => {
  const executions = new Executions();
  const old = executions.start(claim('run-a'), 'job-a');
  let fresh: ReturnType<Executions['start']> | undefined;
  const db = fakeDb(
    [
      { id: 'run-a', attempts: 1, cancelRequested: false },
      { id: 'run-b', attempts: 1, cancelRequested: false },
    ],
    () => (fresh = executions.start(claim('run-b'), 'job-b')),
  );
  await beatOnce({ db, workerId: 'w', executions, everyMs: 1000, log: () => {} });
  assert.equal(fresh!.controller.signal.aborted, false, `stopped as ${fresh!.stopReason}`);
  assert.equal(old.controller.signal.aborted, false);
});

test('the beat still stops what the database says: deleted, claimed again, asked to cancel', async () => {
  const executions = new Executions();
  const gone = executions.start(claim('gone'), 'j1');
  const again = executions.start(claim('again', 1), 'j2');
  const cancel = executions.start(claim('cancel'), 'j3');
  const db = fakeDb(
    [
      { id: 'again', attempts: 2, cancelRequested: false },
      { id: 'cancel', attempts: 1, cancelRequested: true },
    ],
    () => {},
  );
  await beatOnce({ db, workerId: 'w', executions, everyMs: 1000, log: () => {} });
  assert.deepEqual([gone.stopReason, again.stopReason, cancel.stopReason], ['deleted', 'superseded', 'cancelled']);
});

test('an execution replaced by a newer claim of the same run during the beat is left to the newer claim', async () => {
  const executions = new Executions();
  executions.start(claim('run-a', 1), 'job-1');
  let newer: ReturnType<Executions['start']> | undefined;
  // the row already says attempt 2 (the newer claim's): the old execution is stopped by start(), the new one must run on
  const db = fakeDb([{ id: 'run-a', attempts: 2, cancelRequested: false }], () => (newer = executions.start(claim('run-a', 2), 'job-2')));
  await beatOnce({ db, workerId: 'w', executions, everyMs: 1000, log: () => {} });
  assert.equal(newer!.controller.signal.aborted, false, `stopped as ${newer!.stopReason}`);
});
