// The API against the real Postgres and Redis: auth, roles, project isolation, coded errors for bad input that
// change nothing, limits, pagination, downsampling. (Worker paths: apps/worker/src/lifecycle.int.test.ts.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, tinyConfig, type Harness } from './testing/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness('api');
});
after(async () => {
  await h?.close();
});

const CREATE_EXP = 'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id name paradigm config } }';
const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;

async function tableCounts() {
  const [e, r, s, d, t] = await Promise.all([h.db.experiment.count(), h.db.run.count(), h.db.sweep.count(), h.db.dataset.count(), h.db.apiToken.count()]);
  return { experiments: e, runs: r, sweeps: s, datasets: d, tokens: t };
}

test('health answers without a token, over GraphQL and GET /health', async () => {
  const r = await h.gql('{ health { ok database redis version } }', {}, null);
  assert.deepEqual(r.data.health, { ok: true, database: true, redis: true, version: '0.1.0' });
  const res = await fetch(h.api.url.replace('/graphql', '/health'));
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { ok: boolean }).ok, true);
});

test('no token, a wrong token or a revoked token: UNAUTHENTICATED', async () => {
  const m = await h.gql(CREATE_EXP, { i: { projectId: h.projectId, name: 'x', config: tinyConfig() } }, null);
  assert.equal(code(m), 'UNAUTHENTICATED');
  assert.equal(code(await h.gql('{ projects { id } }', {}, null)), 'UNAUTHENTICATED');
  assert.equal(code(await h.gql('{ projects { id } }', {}, 'dp_not-a-real-token')), 'UNAUTHENTICATED');
  const created = await h.gql<{ createApiToken: { token: string; apiToken: { id: string; prefix: string } } }>('mutation { createApiToken(name: "ci") { token apiToken { id prefix } } }');
  const { token, apiToken } = created.data!.createApiToken;
  assert.ok(token.startsWith(apiToken.prefix));
  const stored = await h.db.apiToken.findUnique({ where: { id: apiToken.id } });
  assert.notEqual(stored!.tokenHash, token, 'only the hash is stored');
  assert.equal((await h.gql('{ me { user { email } } }', {}, token)).data.me.user.email, 'admin@test.local');
  await h.gql('mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', { id: apiToken.id });
  assert.equal(code(await h.gql('{ me { user { email } } }', {}, token)), 'UNAUTHENTICATED');
});

test('viewers cannot mutate; editors can; a project is invisible outside it', async () => {
  const before = await tableCounts();
  const v = await h.gql(CREATE_EXP, { i: { projectId: h.projectId, name: 'by viewer', config: tinyConfig() } }, h.tokens.viewer);
  assert.equal(code(v), 'FORBIDDEN');
  assert.deepEqual(await tableCounts(), before);
  const e = await h.gql(CREATE_EXP, { i: { projectId: h.projectId, name: 'by editor', config: tinyConfig() } }, h.tokens.editor);
  assert.equal(e.errors, undefined);
  const expId = e.data.createExperiment.id;
  assert.equal(e.data.createExperiment.config.optimizer.kind, 'adagrad', 'defaults are filled in by the shared schema');
  // the viewer reads it; the outsider sees neither the project nor the experiment
  assert.equal((await h.gql('query($id: ID!) { experiment(id: $id) { name } }', { id: expId }, h.tokens.viewer)).data.experiment.name, 'by editor');
  assert.equal(code(await h.gql('query($id: ID!) { experiment(id: $id) { name } }', { id: expId }, h.tokens.outsider)), 'NOT_FOUND');
  assert.equal(code(await h.gql('query($p: ID!) { experiments(projectId: $p) { totalCount } }', { p: h.projectId }, h.tokens.outsider)), 'NOT_FOUND');
  assert.equal(code(await h.gql('mutation($id: ID!) { deleteExperiment(id: $id) { id } }', { id: expId }, h.tokens.outsider)), 'NOT_FOUND');
  assert.equal(code(await h.gql('mutation($id: ID!) { submitRun(input: { experimentId: $id }) { id } }', { id: expId }, h.tokens.viewer)), 'FORBIDDEN');
  const outsiderProjects = await h.gql('{ projects { id } }', {}, h.tokens.outsider);
  assert.deepEqual(outsiderProjects.data.projects.map((p: { id: string }) => p.id), [h.otherProjectId]);
  assert.equal(await h.db.experiment.count({ where: { id: expId } }), 1);
});

test('bad inputs get coded errors and change nothing in the database', async () => {
  const exp = await h.gql(CREATE_EXP, { i: { projectId: h.projectId, name: 'bad-input base', config: tinyConfig() } });
  const expId = exp.data.createExperiment.id;
  const before = await tableCounts();
  // invalid configs (zod): a percentage budget, an unknown paradigm, a missing data section, YAML with a typo'd key
  for (const config of [
    { ...tinyConfig(), pruning: { budget: 75 } },
    { ...tinyConfig(), paradigm: { kind: 'magic' } },
    { paradigm: { kind: 'dense' } },
    'data: { source: synthetic }\nparadigm: { kind: dense }\nmodle: {}\n',
  ]) {
    const r = await h.gql(CREATE_EXP, { i: { projectId: h.projectId, name: 'bad', config } });
    assert.equal(code(r), 'BAD_USER_INPUT', JSON.stringify(r.errors));
  }
  const r1 = await h.gql(CREATE_EXP, { i: { projectId: h.projectId, name: 'bad', config: { ...tinyConfig(), pruning: { budget: 75 } } } });
  assert.match(r1.errors![0].message, /fraction, not a percentage/);
  // a run config override and sweeps that are invalid
  assert.equal(code(await h.gql('mutation($i: SubmitRunInput!) { submitRun(input: $i) { id } }', { i: { experimentId: expId, config: { ...tinyConfig(), seed: -4 } } })), 'BAD_USER_INPUT');
  assert.equal(code(await h.gql('mutation($i: SubmitRunInput!) { submitRun(input: $i) { id } }', { i: { experimentId: expId, priority: 1000 } })), 'BAD_USER_INPUT');
  const SWEEP = 'mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id } }';
  assert.equal(code(await h.gql(SWEEP, { i: { experimentId: expId, sweep: { method: 'grid', parameters: { 'pruning.budget': { min: 0.1, max: 0.9 } } } } })), 'BAD_USER_INPUT');
  assert.equal(code(await h.gql(SWEEP, { i: { experimentId: expId, sweep: { parameters: { 'pruning.budget': { values: [0.5, 1.5] } } } } })), 'BAD_USER_INPUT');
  assert.equal(code(await h.gql(SWEEP, { i: { experimentId: expId, sweep: { parameters: { 'data.batchSize': { values: Array.from({ length: 2000 }, (_, i) => i + 1) } } } } })), 'BAD_USER_INPUT');
  // wrong types
  assert.equal(code(await h.gql('query($p: ID!, $n: Int) { experiments(projectId: $p, first: $n) { totalCount } }', { p: h.projectId, n: 'ten' })), 'BAD_USER_INPUT');
  assert.equal(code(await h.gql('mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }', { i: { projectId: h.projectId, name: 42 } })), 'BAD_USER_INPUT');
  assert.equal(code(await h.gql('query($p: ID!) { experiments(projectId: $p, first: 500) { totalCount } }', { p: h.projectId })), 'BAD_USER_INPUT');
  assert.equal(code(await h.gql('query($p: ID!) { experiments(projectId: $p, after: "garbage") { totalCount } }', { p: h.projectId })), 'BAD_USER_INPUT');
  assert.equal(code(await h.gql('mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }', { i: { projectId: h.projectId, name: 'd', kind: 'parquet' } })), 'BAD_USER_INPUT');
  assert.equal(code(await h.gql('mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }', { i: { projectId: h.projectId, name: 'd', kind: 'csv', location: '/x.csv', mapping: { delimiter: ',,' } } })), 'BAD_USER_INPUT');
  // unknown ids (well-formed and not)
  for (const [q, v] of [
    ['query($id: ID!) { run(id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000000' }],
    ['query($id: ID!) { sweep(id: $id) { id } }', { id: 'not-a-uuid' }],
    ['mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000000' }],
    ['mutation($id: ID!) { retryRun(id: $id) { id } }', { id: "'; DROP TABLE \"Run\"; --" }],
    ['mutation($id: ID!) { deleteExperiment(id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000000' }],
    ['mutation($id: ID!) { submitRun(input: { experimentId: $id }) { id } }', { id: '00000000-0000-4000-8000-000000000000' }],
    ['query($id: ID!) { runMetrics(runId: $id) { totalPoints } }', { id: '00000000-0000-4000-8000-000000000000' }],
  ] as const) assert.equal(code(await h.gql(q, v)), 'NOT_FOUND', q);
  // an oversized payload (MAX_REQUEST_BYTES is 200 kB in this harness)
  const big = await h.gql(CREATE_EXP, { i: { projectId: h.projectId, name: 'big', description: 'x'.repeat(300_000), config: tinyConfig() } });
  assert.equal(big.status, 413);
  assert.equal(code(big), 'BAD_USER_INPUT');
  assert.deepEqual(await tableCounts(), before, 'nothing was written');
});

test('depth and complexity limits reject expensive queries before they run', async () => {
  const deep = await h.gql('query($p: ID!) { experiments(projectId: $p) { nodes { runs { nodes { experiment { runs { nodes { experiment { runs { nodes { id } } } } } } } } } } }', { p: h.projectId });
  assert.equal(deep.status, 400, 'a limit violation is the caller\'s error, not a 500');
  assert.equal(code(deep), 'BAD_USER_INPUT');
  assert.equal((deep.errors![0].extensions as { reason?: string }).reason, 'DEPTH_LIMIT');
  assert.match(deep.errors![0].message, /depth/);
  const wide = await h.gql('query($p: ID!) { runs(projectId: $p, first: 200) { nodes { metrics(maxPoints: 10000) { points { ne auc } } } } }', { p: h.projectId });
  assert.equal(wide.status, 400);
  assert.equal(code(wide), 'BAD_USER_INPUT');
  assert.equal((wide.errors![0].extensions as { reason?: string }).reason, 'COMPLEXITY_LIMIT');
  assert.match(wide.errors![0].message, /complexity/);
});

test('cursor pagination, filters by status and config param, sorting', async () => {
  const exp = await h.gql(CREATE_EXP, { i: { projectId: h.projectId, name: 'paged', config: tinyConfig() } });
  const expId = exp.data.createExperiment.id;
  // a sweep whose jobs no worker takes in this file: runs stay queued
  const sw = await h.gql('mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id status total } }', {
    i: { experimentId: expId, sweep: { parameters: { 'pruning.budget': { values: [0.25, 0.5, 0.75] } }, seeds: [1, 2, 3] } },
  });
  assert.deepEqual({ ...sw.data.submitSweep, id: undefined }, { id: undefined, status: 'queued', total: 9 });
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10; page++) {
    const r: any = await h.gql('query($p: ID!, $a: String, $e: ID) { runs(projectId: $p, first: 4, after: $a, filter: { experimentId: $e }) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }', { p: h.projectId, a: after, e: expId });
    assert.equal(r.data.runs.totalCount, 9);
    seen.push(...r.data.runs.nodes.map((n: { id: string }) => n.id));
    if (!r.data.runs.pageInfo.hasNextPage) break;
    after = r.data.runs.pageInfo.endCursor;
  }
  assert.equal(seen.length, 9);
  assert.equal(new Set(seen).size, 9, 'pages do not overlap');
  const byParam = await h.gql('query($p: ID!) { runs(projectId: $p, first: 50, filter: { status: [queued], params: [{ path: "pruning.budget", equals: 0.75 }] }) { totalCount nodes { params } } }', { p: h.projectId });
  assert.equal(byParam.data.runs.totalCount, 3);
  for (const n of byParam.data.runs.nodes) assert.equal(n.params['pruning.budget'], 0.75);
  const names = await h.gql('query($p: ID!) { experiments(projectId: $p, first: 50, sort: { field: NAME, direction: ASC }) { nodes { name runCount } } }', { p: h.projectId });
  const list = names.data.experiments.nodes.map((n: { name: string }) => n.name);
  assert.deepEqual(list, [...list].sort());
  assert.equal(names.data.experiments.nodes.find((n: { name: string }) => n.name === 'paged').runCount, 9);
  // cancelling a queued run needs no worker, and the sweep's counts follow
  const one = seen[0];
  const c = await h.gql('mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: one });
  assert.equal(c.data.cancelRun.status, 'cancelled');
  const s2 = await h.gql('query($id: ID!) { sweep(id: $id) { status queued cancelled } }', { id: sw.data.submitSweep.id });
  assert.deepEqual(s2.data.sweep, { status: 'running', queued: 8, cancelled: 1 });
  const cs = await h.gql('mutation($id: ID!) { cancelSweep(id: $id) { status cancelled } }', { id: sw.data.submitSweep.id });
  assert.deepEqual(cs.data.cancelSweep, { status: 'cancelled', cancelled: 9 });
});

test('metric series are downsampled on the server', async () => {
  const exp = await h.gql(CREATE_EXP, { i: { projectId: h.projectId, name: 'long series', config: tinyConfig() } });
  const run = await h.gql('mutation($e: ID!) { submitRun(input: { experimentId: $e }) { id } }', { e: exp.data.createExperiment.id });
  const runId = run.data.submitRun.id;
  await h.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: runId });
  // 1000 windows × 2 models written directly (as a worker would), NE = window for easy checking
  const rows = [];
  for (let w = 0; w < 1000; w++)
    for (const model of ['dense', 'serving'] as const)
      rows.push({ runId, window: w, windowId: `w${w}`, model, rows: 100, ne: w, logLoss: 0.5, auc: 0.7, calibration: 1, sparsity: model === 'dense' ? 0 : 0.5, flops: 1000, params: 100, warmup: w < 10 });
  await h.db.windowMetric.createMany({ data: rows });
  const full = await h.gql('query($id: ID!) { runMetrics(runId: $id, model: dense, maxPoints: 1000) { totalPoints downsampled bucketSize points { window ne } } }', { id: runId });
  assert.equal(full.data.runMetrics.points.length, 1000);
  assert.equal(full.data.runMetrics.downsampled, false);
  const ds = await h.gql('query($id: ID!) { run(id: $id) { metrics(maxPoints: 100) { totalPoints downsampled bucketSize points { window windowEnd count model ne sparsity warmup } } } }', { id: runId });
  const m = ds.data.run.metrics;
  assert.equal(m.totalPoints, 2000);
  assert.equal(m.downsampled, true);
  assert.equal(m.bucketSize, 10);
  assert.equal(m.points.length, 200);
  const first = m.points.find((p: { model: string }) => p.model === 'dense');
  assert.deepEqual(first, { window: 0, windowEnd: 9, count: 10, model: 'dense', ne: 4.5, sparsity: 0, warmup: true });
  const range = await h.gql('query($id: ID!) { runMetrics(runId: $id, model: serving, fromWindow: 100, toWindow: 199, maxPoints: 500) { points { window } } }', { id: runId });
  assert.equal(range.data.runMetrics.points.length, 100);
  assert.equal(range.data.runMetrics.points[0].window, 100);
});

test('subscriptions need a token and respect project isolation', async () => {
  const firstError = async (token: string | null, query: string, variables: Record<string, unknown>) => {
    const client = h.ws(token ?? '');
    try {
      // graphql-ws delivers an error raised while subscribing as one result with `errors`, then completes
      for await (const r of client.iterate({ query, variables })) return r.errors?.[0]?.extensions?.code ?? 'no error';
    } catch (e) {
      const errs = e as { extensions?: { code?: string } }[];
      return Array.isArray(errs) ? errs[0]?.extensions?.code : String(e);
    }
    return 'completed';
  };
  const q = 'subscription($p: ID!) { runUpdated(projectId: $p) { id } }';
  assert.equal(await firstError(null, q, { p: h.projectId }), 'UNAUTHENTICATED');
  assert.equal(await firstError(h.tokens.outsider, q, { p: h.projectId }), 'NOT_FOUND');
  const m = 'subscription($r: ID!) { windowMetricAdded(runId: $r) { window } }';
  assert.equal(await firstError(h.tokens.viewer, m, { r: '00000000-0000-4000-8000-000000000000' }), 'NOT_FOUND');
});
