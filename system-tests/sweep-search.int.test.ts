// What the workers do for a sweep beyond running its points, on the real Postgres, Redis and runner. Early stopping:
// the worker asks the sweep's rule at each window boundary, with its peers' metrics at that window; a stopped run ends
// with status `stopped` and its reason, visible through GraphQL, and the sweep counts it as finished as planned.
// Model-based search (method tpe): the worker that settles a run proposes the next point(s) until samples.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { experimentConfig } from '@driftprune/config';
import type { Prisma } from '@driftprune/db';
import { refreshSweepStatus, RunEvents, RunQueues, redisConnection } from '@driftprune/runs';
import { Redis } from 'ioredis';
import { EarlyStopper, resumeStalledSearches, startWorker, type WorkerHandle } from '@driftprune/worker';
import { startHarness, tinyConfig, waitFor, type Harness } from '@driftprune/api/testing';

let h: Harness;
let worker: WorkerHandle | null = null;
before(async () => {
  h = await startHarness('earlystop', { WORKER_HEARTBEAT_MS: '300', WORKER_LOCK_MS: '3000' });
});
after(async () => {
  await worker?.close();
  await h?.close();
});

/** A sweep with an early-stopping rule and runs whose per-window ΔNE % is given, written as a worker writes them. */
async function seedSweep(earlyStopping: unknown, deltas: number[][]) {
  const expId = await h.createExperiment(`seeded ${randomUUID().slice(0, 8)}`, tinyConfig());
  const exp = await h.db.experiment.findUniqueOrThrow({ where: { id: expId } });
  const sweepId = randomUUID();
  await h.db.sweep.create({ data: { id: sweepId, projectId: h.projectId, experimentId: expId, name: 's', method: 'grid', config: { base: exp.config, earlyStopping } as Prisma.InputJsonValue, seeds: [1], total: deltas.length } });
  const ids: string[] = [];
  for (const series of deltas) {
    const id = randomUUID();
    ids.push(id);
    const config = experimentConfig.parse(exp.config);
    await h.db.run.create({ data: { id, projectId: h.projectId, experimentId: expId, sweepId, config: config as unknown as Prisma.InputJsonValue, seed: 1, paradigm: 'd2s', status: 'running' } });
    await h.db.windowMetric.createMany({
      data: series.flatMap((d, window) => [
        { runId: id, window, windowId: `w${window}`, model: 'dense' as const, rows: 600, ne: 0.8, logLoss: 0.5, sparsity: 0, flops: 1, params: 1, warmup: window === 0 },
        { runId: id, window, windowId: `w${window}`, model: 'serving' as const, rows: 600, ne: 0.8 * (1 + d / 100), logLoss: 0.5, sparsity: 0.5, flops: 1, params: 1, warmup: window === 0 },
      ]),
    });
  }
  return { sweepId, ids };
}

test('the stopper reads its peers at the window from Postgres: median and ASHA decisions', async () => {
  // window 0 is warm-up (left out); running means at window 2: a 1.5, b 2.5, c 3.5, d 10 (d only reached window 2)
  const { ids } = await seedSweep({ rule: 'median', minWindow: 1, minPeers: 2 }, [
    [99, 1, 2, 0],
    [99, 2, 3, 1],
    [99, 3, 4, 5],
    [99, 9, 11],
  ]);
  const stopperOf = async (id: string) => (await EarlyStopper.forRun(h.db, (await h.db.run.findUniqueOrThrow({ where: { id } }))))!;
  const d = await stopperOf(ids[3]);
  const stop = await d.afterWindow(2);
  assert.ok(stop, 'd: 10 > median(1.5, 2.5, 3.5) = 2.5');
  assert.ok(Math.abs(stop.threshold! - 2.5) < 1e-9);
  assert.equal(stop.peers, 3);
  assert.match(stop.reason, /^stopped early at window 2 by rule median: ΔNE 10\.000 % > median ΔNE 2\.500 % of 3 peers$/);
  assert.equal((d.record() as { rule: string }).rule, 'median');
  assert.equal(await (await stopperOf(ids[0])).afterWindow(2), null, 'a: 1.5 ≤ median(2.5, 3.5, 10) = 3.5');
  // at window 3 only a, b, c reached it: c (3.5+… running mean 4) against a, b
  assert.ok(await (await stopperOf(ids[2])).afterWindow(3), 'c: 3.67 > median(1, 2) of a, b');

  const asha = await seedSweep({ rule: 'asha', minWindow: 1, reductionFactor: 2, minPeers: 1 }, [
    [0, 1, 1],
    [0, 2, 2],
    [0, 3, 3],
  ]);
  const a = await stopperOf(asha.ids[2]);
  assert.ok(await a.afterWindow(1), 'the worst of 3 at rung 1 (keep 1)');
  assert.equal(await (await stopperOf(asha.ids[0])).afterWindow(1), null);
  assert.equal(await (await stopperOf(asha.ids[2])).afterWindow(3), null, 'window 3 is not a rung (1, 2, 4 …)');
  assert.equal(await EarlyStopper.forRun(h.db, { id: randomUUID(), sweepId: null }), null, 'a lone run has no rule');
});

test('a tpe sweep whose next proposal was lost with its worker is resumed by reconcile, once', async () => {
  const expId = await h.createExperiment('tpe stalled', tinyConfig({ windows: 3 }));
  const sw = await h.gql('mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id } }', {
    i: { experimentId: expId, sweep: { method: 'tpe', samples: 3, initialSamples: 1, parameters: { 'pruning.budget': { min: 0.1, max: 0.7 } } } },
  });
  assert.equal(sw.errors, undefined, JSON.stringify(sw.errors));
  const sweepId = sw.data.submitSweep.id;
  // its one run finished (written here, as if by a worker that then died before proposing)
  await h.db.run.updateMany({ where: { sweepId }, data: { status: 'succeeded', summary: { meanDeltaNEPct: 1 } } });
  assert.equal((await refreshSweepStatus(h.db, sweepId))!.status, 'running', 'points left: not finished');
  const pub = new Redis(h.env.REDIS_URL, { maxRetriesPerRequest: null });
  const queues = new RunQueues(redisConnection(h.env.REDIS_URL), h.env.QUEUE_PREFIX);
  try {
    const deps = { db: h.db, queues, events: new RunEvents(pub, h.env.QUEUE_PREFIX), log: () => {} };
    const first = await resumeStalledSearches(deps);
    assert.equal(first.length, 1);
    assert.equal(first[0].sweepId, sweepId);
    assert.deepEqual(await resumeStalledSearches(deps), [], 'one point in flight: nothing more');
    assert.equal(await h.db.run.count({ where: { sweepId } }), 2);
    // not left to the workers of the next tests
    await queues.removeWaiting(first.map((r) => ({ runId: r.id })));
    await h.db.sweep.delete({ where: { id: sweepId } });
  } finally {
    await queues.close();
    pub.disconnect();
  }
});

test('a real sweep: the worker stops the run that is worse than its finished peers, with status stopped and the reason in GraphQL', async () => {
  worker = await startWorker({ env: h.env, log: () => {} });
  const expId = await h.createExperiment('early stop e2e', tinyConfig({ windows: 6 }));
  // one worker, one run at a time, first in first out: the two light-pruning runs finish before the 75 % one starts
  const sw = await h.gql('mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id total earlyStopping } }', {
    i: { experimentId: expId, sweep: { name: 'es', parameters: { 'pruning.budget': { values: [0.1, 0.2, 0.75] } }, earlyStopping: { rule: 'median', minWindow: 2, minPeers: 2 } } },
  });
  assert.equal(sw.errors, undefined, JSON.stringify(sw.errors));
  assert.deepEqual(sw.data.submitSweep.earlyStopping, { rule: 'median', metric: 'deltaNe', minWindow: 2, minPeers: 2 });
  const sweepId = sw.data.submitSweep.id;
  const done = await waitFor(
    'the sweep to finish',
    async () => {
      const s = await h.gql('query($id: ID!) { sweep(id: $id) { status total succeeded stopped failed } }', { id: sweepId });
      return ['succeeded', 'failed', 'partial'].includes(s.data.sweep.status) ? s.data.sweep : null;
    },
    240_000,
    250,
  );
  const runs = await h.gql(`query($id: ID!) { sweep(id: $id) { runs(first: 10) { nodes { id name status error params earlyStop { window rule metric value threshold peers reason } summary metrics(model: serving) { points { window } } } } } 
    runs(projectId: "${h.projectId}", filter: { sweepId: "${sweepId}", status: [stopped] }) { totalCount } }`, { id: sweepId });
  assert.equal(runs.errors, undefined, JSON.stringify(runs.errors));
  const nodes = runs.data.sweep.runs.nodes as { name: string; status: string; params: Record<string, number>; earlyStop: { window: number; rule: string; value: number; threshold: number; peers: number; reason: string } | null; summary: unknown; metrics: { points: { window: number }[] } }[];
  const heavy = nodes.find((n) => n.params['pruning.budget'] === 0.75)!;
  assert.deepEqual(done, { status: 'succeeded', total: 3, succeeded: 2, stopped: 1, failed: 0 }, JSON.stringify(nodes.map((n) => [n.name, n.status, n.earlyStop, (n as { error?: string }).error])));
  console.log(`early stop: ${heavy.name}: ${heavy.earlyStop?.reason}`);
  assert.equal(heavy.status, 'stopped');
  assert.equal(heavy.summary, null);
  assert.equal(heavy.earlyStop!.rule, 'median');
  assert.equal(heavy.earlyStop!.peers, 2);
  assert.ok(heavy.earlyStop!.window >= 2 && heavy.earlyStop!.window < 5, `stopped at window ${heavy.earlyStop!.window}`);
  assert.ok(heavy.earlyStop!.value > heavy.earlyStop!.threshold);
  assert.match(heavy.earlyStop!.reason, new RegExp(`^stopped early at window ${heavy.earlyStop!.window} by rule median: ΔNE `));
  assert.equal(Math.max(...heavy.metrics.points.map((p) => p.window)), heavy.earlyStop!.window, 'no window after the stop');
  assert.equal(runs.data.runs.totalCount, 1, 'status filter: stopped');
  for (const n of nodes.filter((x) => x !== heavy)) assert.deepEqual([n.status, n.earlyStop], ['succeeded', null]);
});

test('a tpe sweep: the worker proposes each next point from the completed ones until samples; the sweep is never finished before', async () => {
  worker ??= await startWorker({ env: h.env, log: () => {} });
  const expId = await h.createExperiment('tpe e2e', tinyConfig({ windows: 3 }));
  const sw = await h.gql('mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id total search { method points samples initialSamples objective } } }', {
    i: { experimentId: expId, sweep: { name: 'tpe', method: 'tpe', samples: 3, initialSamples: 1, searchSeed: 4, parameters: { 'pruning.budget': { min: 0.1, max: 0.7 } } } },
  });
  assert.equal(sw.errors, undefined, JSON.stringify(sw.errors));
  assert.deepEqual(sw.data.submitSweep.search, { method: 'tpe', points: 1, samples: 3, initialSamples: 1, objective: { metric: 'meanDeltaNEPct', direction: 'minimize' } });
  assert.equal(sw.data.submitSweep.total, 1);
  const sweepId = sw.data.submitSweep.id;
  const seen: string[] = [];
  const done = await waitFor(
    'the tpe sweep to finish',
    async () => {
      const s = await h.gql('query($id: ID!) { sweep(id: $id) { status total succeeded search { points } } }', { id: sweepId });
      const v = s.data.sweep;
      seen.push(`${v.status}:${v.total}`);
      return ['succeeded', 'failed', 'partial'].includes(v.status) ? v : null;
    },
    240_000,
    100,
  );
  assert.deepEqual(done, { status: 'succeeded', total: 3, succeeded: 3, search: { points: 3 } }, seen.join(' '));
  assert.ok(!seen.some((s) => /^(succeeded|partial|failed):[12]$/.test(s)), `never finished before its last point: ${[...new Set(seen)].join(' ')}`);
  const runs = await h.db.run.findMany({ where: { sweepId }, orderBy: { createdAt: 'asc' } });
  const budgets = runs.map((r) => (r.params as Record<string, number>)['pruning.budget']);
  assert.equal(new Set(budgets).size, 3, `three distinct points: ${budgets.join(', ')}`);
  assert.ok(budgets.every((b) => b >= 0.1 && b <= 0.7));
});
