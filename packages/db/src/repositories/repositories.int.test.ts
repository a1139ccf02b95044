// The repositories on the real Postgres: window metrics (a replay overwrites, nulls stay null, buckets average, and
// the migrated table has exactly the columns of WINDOW_METRIC_FIELDS), checkpoints, the error codes the worker reads
// to tell a deleted run, memberships that never lose their last admin, invitations accepted once, and the storage half
// of a run's life (conditional status writes, the cancel flag, queued inserts, the sweep's row lock).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadEnv } from '@driftprune/config';
import { Prisma } from '../../generated/prisma/client.js';
import { createDb, type Db } from '../client.js';
import { dropDatabase, ensureDatabase, withDatabase } from '../database.js';
import { deployMigrations } from '../migrate/migrations.js';
import { WINDOW_METRIC_FIELDS, type WindowMetricInput } from '../window-metric.js';
import { isMissingReference, isRowNotFound, isUniqueViolation } from '../errors.js';
import { acceptInvitation, changeMembership, createProjectWithAdmin, ensureProjectAdmin, inviteToProject, membersOfProject } from './projects.js';
import { checkpointFiles, checkpointWindowsBefore, deleteCheckpointsBefore, upsertArtifact } from './run-results.js';
import { flagCancelRequested, insertQueuedRuns, insertSweepWithQueuedRuns, withSweepLock, writeRunStatus, writeSweepStatus } from './run-lifecycle.js';
import { distinctPointCountOfSweep, recordRunCheckpoint, runCountsOfSweepByStatus, runStatusById, runsByIds } from './runs.js';
import { sweepById } from './sweeps.js';
import { upsertWindowMetrics, windowMetricBuckets, windowMetricSpans } from './window-metrics.js';

const env = loadEnv();
const url = withDatabase(env.DATABASE_URL, `dp_test_repos_${process.pid}_${randomBytes(3).toString('hex')}`);
let db: Db;
let projectId: string;
let userId: string;
let runId: string;

before(async () => {
  await ensureDatabase(url);
  await deployMigrations(url);
  db = createDb({ url, poolSize: 4 });
  ({ userId, projectId } = await ensureProjectAdmin(db, { email: 'owner@example.test', name: 'Owner' }, { slug: 'repos', name: 'Repos' }));
  const exp = await db.experiment.create({ data: { projectId, name: 'e', config: {}, paradigm: 'dense' } });
  runId = (await db.run.create({ data: { projectId, experimentId: exp.id, config: {}, seed: 1, paradigm: 'dense' } })).id;
});

after(async () => {
  await db?.$disconnect();
  await dropDatabase(url);
});

const metric = (window: number, model: 'dense' | 'serving', over: Partial<WindowMetricInput> = {}): WindowMetricInput => ({
  window, windowId: `w${window}`, model, rows: 100, ne: 0.9, logLoss: 0.5, auc: 0.7, calibration: 1, sparsity: model === 'dense' ? 0 : 0.5, flops: 10, params: 20, warmup: window === 0, ...over,
});

test('the migrated WindowMetric table has the columns of WINDOW_METRIC_FIELDS, with their nullability', async () => {
  const cols = await db.$queryRaw<{ column_name: string; is_nullable: string }[]>`
    SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = 'WindowMetric' ORDER BY ordinal_position`;
  const own = cols.filter((c) => !['id', 'runId', 'createdAt'].includes(c.column_name));
  assert.deepEqual(own.map((c) => [c.column_name, c.is_nullable === 'YES']), WINDOW_METRIC_FIELDS.map((f) => [f.name, f.nullable]));
});

test('window metrics: a replayed window overwrites its rows; undefined metrics are stored as null; buckets average', async () => {
  await upsertWindowMetrics(db, runId, [metric(0, 'dense'), metric(0, 'serving'), metric(1, 'dense'), metric(1, 'serving')]);
  // window 1 replayed: one-class (no NE/AUC/calibration), excluded
  await upsertWindowMetrics(db, runId, [metric(1, 'dense', { ne: null, auc: undefined, calibration: undefined, excluded: 'one_class', logLoss: 0.25 })]);
  const rows = await db.windowMetric.findMany({ where: { runId }, orderBy: [{ window: 'asc' }, { model: 'asc' }] });
  assert.equal(rows.length, 4);
  const replayed = rows.find((r) => r.window === 1 && r.model === 'dense')!;
  assert.deepEqual([replayed.ne, replayed.auc, replayed.calibration, replayed.excluded, replayed.logLoss], [null, null, null, 'one_class', 0.25]);
  assert.deepEqual(await windowMetricSpans(db, { runId, model: 'dense' }), [{ n: 2, lo: 0, hi: 1 }]);
  const points = await windowMetricBuckets(db, { runId }, 0, 2);
  assert.deepEqual(
    points.map((p) => [p.model, p.window, p.windowEnd, p.count, p.rows, p.ne, p.logLoss, p.warmup, p.excluded]),
    [
      ['dense', 0, 1, 2, 100, 0.9, 0.375, false, null],
      ['serving', 0, 1, 2, 100, 0.9, 0.5, false, null],
    ],
  );
});

test('checkpoints: older windows are listed and deleted; writes for a missing run fail with the codes the worker reads; a taken slug is a unique violation', async () => {
  const file = (window: number, name: string) => ({ projectId, runId, name, kind: 'checkpoint' as const, key: `k/${name}`, sha256: 'a'.repeat(64), sizeBytes: 3, window });
  await upsertArtifact(db, file(1, 'checkpoints/w000001/a'));
  await upsertArtifact(db, file(1, 'checkpoints/w000001/b'));
  await upsertArtifact(db, file(2, 'checkpoints/w000002/a'));
  assert.deepEqual(await checkpointWindowsBefore(db, runId, 2), [1, 1]);
  await deleteCheckpointsBefore(db, runId, 2);
  assert.deepEqual(await checkpointWindowsBefore(db, runId, 2), []);
  assert.deepEqual((await checkpointFiles(db, runId, 2)).map((f) => f.name), ['checkpoints/w000002/a']);
  const missing = '00000000-0000-4000-8000-000000000000';
  const code = (p: Promise<unknown>) => p.then(() => 'none', (e) => (e instanceof Prisma.PrismaClientKnownRequestError ? e.code : String(e)));
  const artifactOfMissingRun = upsertArtifact(db, { ...file(3, 'x'), runId: missing });
  assert.equal(await code(artifactOfMissingRun), 'P2003');
  assert.equal(await artifactOfMissingRun.catch(isMissingReference), true);
  const checkpointOfMissingRun = recordRunCheckpoint(db, missing, 3);
  assert.equal(await code(checkpointOfMissingRun), 'P2025');
  assert.equal(await checkpointOfMissingRun.catch(isRowNotFound), true);
  assert.equal(await createProjectWithAdmin(db, { name: 'Again', slug: 'repos', adminUserId: userId }).catch(isUniqueViolation), true);
});

test('memberships: the last admin cannot be demoted or removed; an invitation is accepted once and never lowers a role', async () => {
  assert.deepEqual(await changeMembership(db, projectId, userId, 'viewer'), { refused: 'LAST_ADMIN' });
  assert.deepEqual(await changeMembership(db, projectId, userId, null), { refused: 'LAST_ADMIN' });
  const other = await db.user.create({ data: { email: 'other@example.test', name: 'Other' } });
  const rank = { viewer: 0, editor: 1, admin: 2 } as const;
  const inv = await inviteToProject(db, { projectId, email: other.email, role: 'viewer', expiresAt: new Date(Date.now() + 60_000), invitedById: userId });
  // inviting again renews the pending invitation
  const again = await inviteToProject(db, { projectId, email: other.email, role: 'admin', expiresAt: new Date(Date.now() + 60_000), invitedById: userId });
  assert.equal(again.id, inv.id);
  assert.deepEqual(await acceptInvitation(db, { id: inv.id, projectId, role: 'admin', userId: other.id }, rank), { claimed: true, before: null });
  assert.deepEqual(await acceptInvitation(db, { id: inv.id, projectId, role: 'admin', userId: other.id }, rank), { claimed: false });
  assert.deepEqual((await membersOfProject(db, projectId)).map((m) => m.role).sort(), ['admin', 'admin']);
  assert.deepEqual(await changeMembership(db, projectId, userId, 'viewer'), { before: 'admin' });
  assert.deepEqual(await changeMembership(db, projectId, other.id, 'editor'), { refused: 'LAST_ADMIN' });
});

test('run lifecycle storage: a status write changes only the runs whose status and condition hold; the cancel flag only running runs', async () => {
  const exp = await db.experiment.create({ data: { projectId, name: 'lifecycle', config: {}, paradigm: 'dense' } });
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  const queuedAt = new Date('2026-01-02T03:04:05Z');
  await insertQueuedRuns(db, ids.map((id, i) => ({ id, projectId, experimentId: exp.id, config: {}, seed: i, paradigm: 'dense' })), queuedAt);
  const inserted = await runsByIds(db, ids);
  assert.deepEqual(inserted.map((r) => [r.status, r.queuedAt.getTime()]), ids.map(() => ['queued', queuedAt.getTime()]));
  assert.deepEqual(await writeRunStatus(db, [], ['queued'], 'running'), []);
  // a claim of ids[0] fenced by its queueing: the wrong queuedAt changes nothing, the right one claims
  assert.deepEqual(await writeRunStatus(db, [ids[0]], ['queued'], 'running', { queuedAt: new Date(0) }, { attempts: { increment: 1 } }), []);
  const [claimed] = await writeRunStatus(db, [ids[0]], ['queued'], 'running', { queuedAt }, { attempts: { increment: 1 } });
  assert.deepEqual([claimed.id, claimed.status, claimed.attempts], [ids[0], 'running', 1]);
  // a start status that does not hold: nothing changes
  assert.deepEqual(await writeRunStatus(db, [ids[1]], ['running'], 'succeeded'), []);
  assert.equal((await runStatusById(db, ids[1]))?.status, 'queued');
  // many at once: only the queued ones
  assert.deepEqual((await writeRunStatus(db, ids, ['queued'], 'cancelled')).map((r) => r.id).sort(), [ids[1], ids[2]].sort());
  assert.deepEqual((await flagCancelRequested(db, ids)).map((r) => r.id), [ids[0]]);
  assert.deepEqual((await runsByIds(db, ids)).filter((r) => r.cancelRequested).map((r) => r.id), [ids[0]]);
  assert.equal(await runStatusById(db, randomUUID()), null);
});

test('run lifecycle storage: a sweep with its runs, counted and stored under its row lock; a second locker waits for the first', async () => {
  const exp = await db.experiment.create({ data: { projectId, name: 'sweep-lock', config: {}, paradigm: 'dense' } });
  const sweepId = randomUUID();
  const runs = [0, 1, 2].map((i) => ({ id: randomUUID(), projectId, experimentId: exp.id, sweepId, config: {}, params: { lr: i % 2, seed: i }, seed: i, paradigm: 'dense' }));
  await insertSweepWithQueuedRuns(db, { id: sweepId, projectId, experimentId: exp.id, name: 's', method: 'grid', config: {}, seeds: [0] }, runs, new Date());
  assert.deepEqual([(await sweepById(db, sweepId))?.total, (await sweepById(db, sweepId))?.queued], [3, 3]);
  assert.deepEqual(await runCountsOfSweepByStatus(db, sweepId), [{ status: 'queued', count: 3 }]);
  assert.equal(await distinctPointCountOfSweep(db, sweepId), 2);
  assert.equal(await withSweepLock(db, randomUUID(), async () => 'called'), null);
  const order: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let firstHasLock!: () => void;
  const locked = new Promise<void>((r) => (firstHasLock = r));
  const first = withSweepLock(db, sweepId, async (tx) => {
    firstHasLock();
    order.push('first in');
    await held;
    await writeSweepStatus(tx, sweepId, { total: 3, queued: 2, running: 1, succeeded: 0, failed: 0, cancelled: 0, stopped: 0, status: 'running', finishedAt: null });
    order.push('first out');
  });
  await locked;
  const second = withSweepLock(db, sweepId, async (tx) => {
    order.push('second in');
    return (await tx.sweep.findUnique({ where: { id: sweepId } }))?.status;
  });
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(order, ['first in'], 'the second locker waits while the first holds the row');
  release();
  await first;
  assert.equal(await second, 'running', 'the second locker sees what the first committed');
  assert.deepEqual(order, ['first in', 'first out', 'second in']);
});
