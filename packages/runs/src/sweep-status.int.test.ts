// refreshSweepStatus on the real Postgres: concurrent refreshes (two workers finishing a sweep's runs at the same
// moment) must leave the counts of the last committed transitions, never an older count.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createDb, deployMigrations, dropDatabase, ensureDatabase, withDatabase, type Db } from '@driftprune/db';
import { refreshSweepStatus } from './sweep-status.js';

const url = withDatabase(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres', `dp_test_sweeps_${process.pid}_${randomBytes(3).toString('hex')}`);
let db: Db;
before(async () => {
  await ensureDatabase(url);
  await deployMigrations(url);
  db = createDb({ url, poolSize: 8 });
});
after(async () => {
  await db?.$disconnect();
  await dropDatabase(url);
});

test('concurrent run transitions: the sweep ends with the counts and status of all of them', async () => {
  const project = await db.project.create({ data: { slug: 'sw', name: 'sweeps' } });
  const exp = await db.experiment.create({ data: { projectId: project.id, name: 'e', config: {}, paradigm: 'd2s' } });
  const RUNS = 4;
  for (let round = 0; round < 8; round++) {
    const sweep = await db.sweep.create({ data: { projectId: project.id, experimentId: exp.id, name: `s${round}`, method: 'grid', config: {}, total: RUNS, running: RUNS, status: 'running' } });
    await db.run.createMany({
      data: Array.from({ length: RUNS }, (_, i) => ({ projectId: project.id, experimentId: exp.id, sweepId: sweep.id, config: {}, seed: i, paradigm: 'd2s', status: 'running' as const })),
    });
    const runs = await db.run.findMany({ where: { sweepId: sweep.id } });
    // every "worker" commits its run's transition, then refreshes, all at once (as the worker does on success)
    await Promise.all(
      runs.map(async (r) => {
        await db.run.update({ where: { id: r.id }, data: { status: 'succeeded' } });
        await refreshSweepStatus(db, sweep.id);
      }),
    );
    const s = (await db.sweep.findUnique({ where: { id: sweep.id } }))!;
    assert.deepEqual(
      { status: s.status, queued: s.queued, running: s.running, succeeded: s.succeeded, total: s.total, finished: s.finishedAt !== null },
      { status: 'succeeded', queued: 0, running: 0, succeeded: RUNS, total: RUNS, finished: true },
      `round ${round}`,
    );
  }
});

test('a refresh that counted before another run finished cannot overwrite the newer count', async () => {
  // Deterministic form of the race: refresh A counts (run B still running), then is slow to write; meanwhile run B
  // finishes and refresh B writes "succeeded". A's older count must not land last.
  const project = await db.project.create({ data: { slug: 'sw-slow', name: 'slow writer' } });
  const exp = await db.experiment.create({ data: { projectId: project.id, name: 'e', config: {}, paradigm: 'd2s' } });
  const sweep = await db.sweep.create({ data: { projectId: project.id, experimentId: exp.id, name: 's', method: 'grid', config: {}, total: 2, running: 2, status: 'running' } });
  await db.run.createMany({ data: [0, 1].map((i) => ({ projectId: project.id, experimentId: exp.id, sweepId: sweep.id, config: {}, seed: i, paradigm: 'd2s', status: 'running' as const })) });
  const [a, b] = await db.run.findMany({ where: { sweepId: sweep.id }, orderBy: { seed: 'asc' } });
  // Barriers, not sleeps: refresh A's write of the sweep is held until refresh B has either finished (a refresh that
  // counts without the row lock) or is waiting for A's lock (the real one); then A writes.
  let aCounted!: () => void;
  const aHasCounted = new Promise<void>((r) => (aCounted = r));
  let releaseA!: () => void;
  const aMayWrite = new Promise<void>((r) => (releaseA = r));
  let held = false;
  const gatedDb = db.$extends({
    query: {
      sweep: {
        async $allOperations({ operation, args, query }) {
          if (operation.startsWith('update') && !held) {
            held = true;
            aCounted();
            await aMayWrite;
          }
          return query(args);
        },
      },
    },
  }) as unknown as Db;
  await db.run.update({ where: { id: a.id }, data: { status: 'succeeded' } });
  const refreshA = refreshSweepStatus(gatedDb, sweep.id);
  await within(aHasCounted, 10_000, 'refresh A to count');
  await db.run.update({ where: { id: b.id }, data: { status: 'succeeded' } });
  const refreshB = refreshSweepStatus(db, sweep.id);
  await within(Promise.race([refreshB, lockWaiters(1)]), 10_000, 'refresh B to finish or to wait for the lock');
  releaseA();
  await within(Promise.all([refreshA, refreshB]), 10_000, 'both refreshes');
  const s = (await db.sweep.findUnique({ where: { id: sweep.id } }))!;
  assert.deepEqual({ status: s.status, running: s.running, succeeded: s.succeeded }, { status: 'succeeded', running: 0, succeeded: 2 });
});

/** Resolves once `n` sessions of this database wait for a lock (a condition polled, not a guessed delay). */
async function lockWaiters(n: number): Promise<void> {
  for (;;) {
    const [{ waiting }] = await db.$queryRaw<{ waiting: number }[]>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if (waiting >= n) return;
    await new Promise((r) => setImmediate(r));
  }
}

/** Settles with `p`, or fails after `ms` naming `what`. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)))]).finally(() => clearTimeout(timer));
}

test('refreshing a deleted sweep answers null', async () => {
  assert.equal(await refreshSweepStatus(db, '00000000-0000-0000-0000-000000000000'), null);
});
