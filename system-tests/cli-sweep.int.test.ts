// `driftprune sweep --api URL --token T` against the real API (real Postgres and Redis, a database and queue prefix
// of its own): the `driftprune` bin runs as a child process; GraphQL queries then check what it created. No worker
// runs here, so the runs stay queued.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { expandSweep, experimentConfig, parseConfig } from '@driftprune/config';
import { mulberry32 } from '@driftprune/pruning/testing';
import { startHarness, tinyConfig, type Harness } from '@driftprune/api/testing';

const bin = resolve(import.meta.dirname, '../apps/cli/bin/driftprune.mjs');

let h: Harness;
before(async () => {
  h = await startHarness('cli_sweep');
});
after(async () => {
  await h?.close();
});

/** Runs the `driftprune` bin; resolves with its exit code and output. */
function driftprune(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

const SWEEP_QUERY = `query($id: ID!) { sweep(id: $id) {
  id name method seeds total queued status experimentId config
  experiment { id name config }
  runs(first: 50) { totalCount nodes { sweepId seed paradigm status params config } }
} }`;

interface SweepRow {
  id: string;
  name: string;
  method: string;
  seeds: number[];
  total: number;
  queued: number;
  status: string;
  experimentId: string;
  config: Record<string, unknown>;
  experiment: { id: string; name: string; config: Record<string, unknown> };
  runs: { totalCount: number; nodes: { sweepId: string; seed: number; paradigm: string; status: string; params: Record<string, unknown>; config: Record<string, unknown> }[] };
}

async function fetchSweep(id: string): Promise<SweepRow> {
  const r = await h.gql<{ sweep: SweepRow }>(SWEEP_QUERY, { id });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data!.sweep;
}

/** Every expanded point has exactly one run, with the point's parameters and its fully resolved config. */
function assertRunsMatch(sweep: SweepRow, points: ReturnType<typeof expandSweep>): void {
  assert.equal(sweep.total, points.length);
  assert.equal(sweep.runs.totalCount, points.length);
  const key = (p: Record<string, unknown>) => JSON.stringify(Object.entries(p).sort(([a], [b]) => a.localeCompare(b)));
  const byParams = new Map(sweep.runs.nodes.map((r) => [key(r.params), r]));
  assert.equal(byParams.size, points.length, 'no two runs share their parameters');
  for (const p of points) {
    const run = byParams.get(key(p.params));
    assert.ok(run, `no run for point ${JSON.stringify(p.params)}`);
    assert.equal(run.sweepId, sweep.id);
    assert.equal(run.seed, p.seed);
    assert.equal(run.paradigm, p.config.paradigm.kind);
    assert.equal(run.status, 'queued');
    // JSON round trip: what the API stored is what the shared schema expands the point to, defaults included.
    assert.deepEqual(run.config, JSON.parse(JSON.stringify(p.config)));
  }
}

test('sweep --api --project creates the experiment from the sweep base and submits every expanded point', async () => {
  const base = { ...tinyConfig(), name: 'cli-sweep-base' };
  const sweep = {
    name: 'cli-grid',
    method: 'grid',
    seeds: [1, 2],
    parameters: { 'pruning.budget': { values: [0.5, 0.75] }, 'paradigm.r': { values: [1, 2] } },
    base,
  };
  const file = join(h.tmp, 'grid.yaml');
  await writeFile(file, stringify(sweep));
  const r = await driftprune(['sweep', file, '--api', h.api.url, '--token', h.tokens.editor, '--project', h.projectId]);
  assert.equal(r.code, 0, r.err);
  const printed = JSON.parse(r.out) as { experimentId: string; sweep: { id: string; name: string; status: string; total: number } };
  assert.equal(printed.sweep.name, 'cli-grid');
  assert.equal(printed.sweep.total, 8);
  assert.equal(printed.sweep.status, 'queued');

  const got = await fetchSweep(printed.sweep.id);
  assert.equal(got.experimentId, printed.experimentId);
  assert.equal(got.name, 'cli-grid');
  assert.equal(got.method, 'grid');
  assert.deepEqual(got.seeds, [1, 2]);
  assert.equal(got.queued, 8);
  assert.equal(got.experiment.name, 'cli-grid');
  assert.deepEqual(got.experiment.config, JSON.parse(JSON.stringify(parseConfig(experimentConfig, base))));
  const points = expandSweep(sweep);
  assert.deepEqual(
    points.map((p) => [p.params['paradigm.r'], p.params['pruning.budget'], p.seed]),
    [[1, 0.5, 1], [1, 0.5, 2], [1, 0.75, 1], [1, 0.75, 2], [2, 0.5, 1], [2, 0.5, 2], [2, 0.75, 1], [2, 0.75, 2]],
  );
  assertRunsMatch(got, points);
  // The overridden values reached the configs the workers will run.
  for (const run of got.runs.nodes) {
    const c = run.config as { pruning: { budget: number }; paradigm: { r: number } };
    assert.equal(c.pruning.budget, run.params['pruning.budget']);
    assert.equal(c.paradigm.r, run.params['paradigm.r']);
  }
});

test('sweep --api --experiment without a base runs on the experiment config (random search)', async () => {
  const created = await h.gql<{ createExperiment: { id: string; config: Record<string, unknown> } }>(
    'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id config } }',
    { i: { projectId: h.projectId, name: 'cli-existing', config: tinyConfig({ seed: 5 }) } },
  );
  assert.equal(created.errors, undefined, JSON.stringify(created.errors));
  const exp = created.data!.createExperiment;
  const sweep = { name: 'cli-random', method: 'random', samples: 3, searchSeed: 7, seeds: [4], parameters: { 'optimizer.lr': { min: 0.001, max: 0.1, log: true } } };
  const file = join(h.tmp, 'random.yaml');
  await writeFile(file, stringify(sweep));
  const r = await driftprune(['sweep', file, '--api', h.api.url, '--token', h.tokens.editor, '--experiment', exp.id]);
  assert.equal(r.code, 0, r.err);
  const printed = JSON.parse(r.out) as { experimentId: string; sweep: { id: string; total: number } };
  assert.equal(printed.experimentId, exp.id);
  const got = await fetchSweep(printed.sweep.id);
  assert.equal(got.method, 'random');
  const points = expandSweep({ ...sweep, base: exp.config });
  assert.equal(points.length, 3);
  assertRunsMatch(got, points);
  for (const run of got.runs.nodes) {
    const lr = (run.config as { optimizer: { lr: number } }).optimizer.lr;
    assert.ok(lr >= 0.001 && lr <= 0.1, `lr ${lr}`);
    assert.equal((run.config as { data: unknown }).data !== undefined, true);
  }
  // The draws themselves, computed here and not by expandSweep: mulberry32 (the test-support copy of the pruning
  // package, not the sweep's) seeded with searchSeed, one uniform per point mapped onto the log range.
  const rnd = mulberry32(7);
  const expected = [0, 1, 2].map(() => Math.exp(Math.log(0.001) + rnd() * (Math.log(0.1) - Math.log(0.001))));
  const stored = got.runs.nodes.map((r) => (r.config as { optimizer: { lr: number } }).optimizer.lr).sort((a, b) => a - b);
  expected.sort((a, b) => a - b);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(stored[i] - expected[i]) < 1e-15, `draw ${i}: stored ${stored[i]}, expected ${expected[i]}`);
});

test('sweep --api: a viewer token or a bad token fails with the API error code and creates nothing', async () => {
  const file = join(h.tmp, 'denied.yaml');
  await writeFile(file, stringify({ name: 'cli-denied', seeds: [1], parameters: { 'pruning.budget': { values: [0.5] } }, base: tinyConfig() }));
  const before = { experiments: await h.db.experiment.count(), sweeps: await h.db.sweep.count(), runs: await h.db.run.count() };
  const viewer = await driftprune(['sweep', file, '--api', h.api.url, '--token', h.tokens.viewer, '--project', h.projectId]);
  assert.equal(viewer.code, 1, viewer.err);
  assert.match(viewer.err, /FORBIDDEN/);
  const bad = await driftprune(['sweep', file, '--api', h.api.url, '--token', 'dp_not-a-token', '--project', h.projectId]);
  assert.equal(bad.code, 1, bad.err);
  assert.match(bad.err, /UNAUTHENTICATED/);
  for (const r of [viewer, bad]) assert.doesNotMatch(r.err, /^\s+at /m, `the API's message, not a stack trace: ${r.err}`);
  assert.deepEqual({ experiments: await h.db.experiment.count(), sweeps: await h.db.sweep.count(), runs: await h.db.run.count() }, before);
});
