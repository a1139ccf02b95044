// The e2e waits must end at once on a fault (issue 12.11): a page error already collected, one collected while
// waiting, or a Fatal (a failed run) thrown by the probe; other probe errors are retried until the deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fatal, pollUntil } from './support.js';

const LONG = 60_000;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; error: unknown }> {
  const t0 = performance.now();
  try {
    await work();
    return { ms: performance.now() - t0, error: null };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

test('a page fault collected before the wait ends it at once, naming the fault', async () => {
  let probes = 0;
  const r = await timed(() => pollUntil('never', async () => (probes++, false), LONG, 1000, ['page error: boom']));
  assert.ok(r.error instanceof Fatal, String(r.error));
  assert.match(String(r.error), /the page faulted while waiting for never: page error: boom/);
  assert.equal(probes, 0);
  assert.ok(r.ms < 1000, `${r.ms} ms`);
});

test('a page fault collected while waiting ends the wait at the next look', async () => {
  const faults: string[] = [];
  let probes = 0;
  const r = await timed(() =>
    pollUntil(
      'never',
      async () => {
        if (++probes === 3) faults.push('page error: late');
        return false;
      },
      LONG,
      10,
      faults,
    ),
  );
  assert.ok(r.error instanceof Fatal, String(r.error));
  assert.equal(probes, 3);
});

test('a Fatal from the probe (a failed run) is rethrown at once, not retried', async () => {
  let probes = 0;
  const r = await timed(() =>
    pollUntil(
      'runs to finish',
      async () => {
        probes++;
        throw new Fatal('a run failed: out of memory');
      },
      LONG,
      1000,
    ),
  );
  assert.ok(r.error instanceof Fatal);
  assert.equal((r.error as Error).message, 'a run failed: out of memory');
  assert.equal(probes, 1);
  assert.ok(r.ms < 1000, `${r.ms} ms`);
});

test('other probe errors are retried, and the deadline names the last one', async () => {
  let probes = 0;
  const v = await pollUntil(
    'a value',
    async () => {
      if (++probes < 3) throw new Error('element is detached');
      return 'ok';
    },
    LONG,
    5,
  );
  assert.equal(v, 'ok');
  const r = await timed(() =>
    pollUntil(
      'a value',
      async () => {
        throw new Error('element is detached');
      },
      50,
      5,
    ),
  );
  assert.ok(!(r.error instanceof Fatal));
  assert.match(String(r.error), /timed out after 0.05 s waiting for a value: Error: element is detached/);
});
