// Hostile input against the real server, Postgres and Redis (issue 12): requests that once crashed the process or
// answered 500 must get coded errors, change nothing, and leave the process serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getIntrospectionQuery } from 'graphql';
import { startHarness, tinyConfig, type Harness } from './testing/harness.js';

let h: Harness;
let expId = '';
before(async () => {
  // a small response bound, so that one test can pass it with a long description
  h = await startHarness('hostile', { MAX_RESPONSE_BYTES: '250000' });
  expId = await h.createExperiment('hostile base', tinyConfig());
});
after(async () => {
  await h?.close();
});

const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;
const SWEEP = 'mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id total } }';

test('a sweep over __proto__.polluted is refused; the same process keeps answering (12.1)', async () => {
  const runsBefore = await h.db.run.count();
  for (const path of ['__proto__.polluted', 'constructor.prototype.polluted', 'pruning.__proto__.polluted', '__proto__']) {
    // as JSON (express.json makes "__proto__" an own key) and as YAML text
    for (const sweep of [{ parameters: { [path]: { values: [1, 2] } } }, `parameters:\n  ${path}: { values: [1, 2] }\n`]) {
      const r = await h.gql(SWEEP, { i: { experimentId: expId, sweep } });
      assert.equal(code(r), 'BAD_USER_INPUT', `${path}: ${JSON.stringify(r.errors)}`);
      assert.match(JSON.stringify(r.errors), /not allowed in a config path/, path);
    }
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
  assert.equal(await h.db.run.count(), runsBefore, 'nothing was queued');
  // the params filter takes the same paths: refused as bad input too
  const f = await h.gql('query($p: ID!) { runs(projectId: $p, filter: { params: [{ path: "__proto__.x", equals: 1 }] }) { totalCount } }', { p: h.projectId });
  assert.equal(code(f), 'BAD_USER_INPUT');
  // a normal query and a normal sweep on the same process
  const q = await h.gql('query($p: ID!) { runs(projectId: $p, first: 5) { totalCount nodes { id } } project(id: $p) { name } }', { p: h.projectId });
  assert.equal(q.errors, undefined, JSON.stringify(q.errors));
  assert.equal(q.data.project.name, 'Main');
  const ok = await h.gql(SWEEP, { i: { experimentId: expId, sweep: { parameters: { 'pruning.budget': { values: [0.25, 0.5] } } } } });
  assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
  assert.equal(ok.data.submitSweep.total, 2);
});

/** POSTs a raw body; the status, the body's size and its parsed errors. */
async function post(body: string, token: string | null = null) {
  const res = await fetch(h.api.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  const text = await res.text();
  return { status: res.status, bytes: text.length, body: JSON.parse(text) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

test('600 aliased introspections without a token are refused before they run; /health keeps answering (12.5)', async () => {
  const attack = JSON.stringify({ query: `{ ${Array.from({ length: 600 }, (_, i) => `a${i}: __schema { types { name kind description fields { name description type { name kind } } } }`).join(' ')} }` });
  assert.ok(attack.length > 50_000, `${attack.length} bytes`);
  const [results, health] = await Promise.all([Promise.all(Array.from({ length: 5 }, () => post(attack))), fetch(h.api.url.replace('/graphql', '/health'))]);
  for (const r of results) {
    assert.equal(r.status, 400);
    assert.ok(r.bytes < 2_000, `a short error, not the schema 600 times (${r.bytes} bytes)`);
    assert.match(r.body.errors![0].message, /2000 tokens/);
    assert.equal(r.body.errors![0].extensions!.code, 'GRAPHQL_PARSE_FAILED');
  }
  assert.equal(health.status, 200);
  // under the token bound, the aliases and introspection caps answer, with a code
  const few = await post(JSON.stringify({ query: `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }` }), h.tokens.viewer);
  assert.equal(few.status, 400);
  assert.equal(few.body.errors![0].extensions!.code, 'BAD_USER_INPUT');
  assert.equal(few.body.errors![0].extensions!.reason, 'ALIAS_LIMIT');
  assert.equal(few.body.errors![0].extensions!.http, undefined);
  assert.match(few.body.errors![0].message, /40 aliased fields; the limit is 30/);
  const thrice = await post(JSON.stringify({ query: '{ a: __type(name: "Run") { name } b: __type(name: "Sweep") { name } c: __type(name: "Query") { name } }' }), h.tokens.viewer);
  assert.match(thrice.body.errors![0].message, /__schema\/__type 3 times/);
});

test('introspection needs a token outside LOCAL_MODE, over HTTP and WebSocket (12.5)', async () => {
  const anonymous = await post(JSON.stringify({ query: '{ __type(name: "Run") { fields { name } } }' }));
  assert.equal(anonymous.body.errors![0].extensions!.code, 'UNAUTHENTICATED');
  assert.equal(anonymous.body.data, undefined);
  // __typename alone is not introspection
  assert.deepEqual((await post(JSON.stringify({ query: '{ __typename }' }))).body.data, { __typename: 'Query' });
  const full = await post(JSON.stringify({ query: getIntrospectionQuery() }), h.tokens.viewer);
  assert.equal(full.body.errors?.length ?? 0, 0, JSON.stringify(full.body.errors));
  assert.ok(full.body.data.__schema.types.some((t: { name: string }) => t.name === 'Run'));
  // over graphql-ws, without a token: the same error
  const client = h.ws('');
  const ws = await new Promise<unknown>((resolve) => {
    client.subscribe({ query: '{ __schema { queryType { name } } }' }, { next: (r) => resolve(r), error: (e) => resolve(e), complete: () => resolve('complete') });
  });
  assert.match(JSON.stringify(ws), /UNAUTHENTICATED/);
});

test('a response over MAX_RESPONSE_BYTES becomes a coded error (12.5)', async () => {
  for (const name of ['long 1', 'long 2'])
    await h.gql('mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }', { i: { projectId: h.projectId, name, description: 'd'.repeat(150_000), config: tinyConfig() } });
  const r = await post(JSON.stringify({ query: 'query($p: ID!) { experiments(projectId: $p, first: 50) { nodes { name description } } }', variables: { p: h.projectId } }), h.tokens.viewer);
  assert.equal(r.status, 400);
  assert.equal(r.body.errors![0].extensions!.code, 'BAD_USER_INPUT');
  assert.equal(r.body.errors![0].extensions!.reason, 'RESPONSE_TOO_LARGE');
  assert.equal(r.body.errors![0].extensions!.limit, 250_000);
  assert.ok(r.bytes < 1_000);
  // the same list without the long field is fine
  const small = await post(JSON.stringify({ query: 'query($p: ID!) { experiments(projectId: $p, first: 50) { nodes { name } } }', variables: { p: h.projectId } }), h.tokens.viewer);
  assert.equal(small.status, 200);
});

test('NUL bytes anywhere in a request are BAD_USER_INPUT (reason NUL_BYTE), over HTTP and WebSocket, and change nothing (12.7)', async () => {
  const counts = async () => [await h.db.experiment.count(), await h.db.project.count(), await h.db.dataset.count(), await h.db.apiToken.count()];
  const before = await counts();
  const CREATE_EXP = 'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }';
  const cases: [string, Record<string, unknown>][] = [
    [CREATE_EXP, { i: { projectId: h.projectId, name: 'a\u0000b', config: tinyConfig() } }],
    [CREATE_EXP, { i: { projectId: h.projectId, name: 'ok', description: 'x\u0000', config: tinyConfig() } }],
    [CREATE_EXP, { i: { projectId: h.projectId, name: 'ok', config: { ...tinyConfig(), name: 'in\u0000config' } } }],
    [CREATE_EXP, { i: { projectId: h.projectId, name: 'ok', config: { ...tinyConfig(), ['key\u0000']: 1 } } }],
    ['query($p: ID!) { experiments(projectId: $p, filter: { nameContains: "a\\u0000" }) { totalCount } }', { p: h.projectId }],
    ['mutation { createApiToken(name: "a\\u0000") { token } }', {}],
    ['mutation { createProject(input: { name: "p\\u0000" }) { id } }', {}],
    ['mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }', { i: { projectId: h.projectId, name: 'd', kind: 'synthetic', stats: { deep: [{ a: 'x\u0000' }] } } }],
    ['query($p: ID!) { runs(projectId: $p, filter: { params: [{ path: "name", equals: "a\\u0000" }] }) { totalCount } }', { p: h.projectId }],
  ];
  for (const [query, variables] of cases) {
    const r = await post(JSON.stringify({ query, variables }), h.tokens.admin);
    assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.body.errors)}`);
    assert.equal(r.body.errors![0].extensions!.code, 'BAD_USER_INPUT');
    assert.equal(r.body.errors![0].extensions!.reason, 'NUL_BYTE');
  }
  const client = h.ws(h.tokens.admin);
  const ws = await new Promise<unknown>((resolve) => client.subscribe({ query: CREATE_EXP, variables: cases[0][1] }, { next: resolve, error: resolve, complete: () => resolve('complete') }));
  assert.match(JSON.stringify(ws), /NUL_BYTE/);
  assert.deepEqual(await counts(), before, 'nothing was written');
});

test('forged cursors are BAD_USER_INPUT (reason BAD_CURSOR), never a database error (12.7)', async () => {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const id = '00000000-0000-4000-8000-000000000000';
  const RUNS = 'query($p: ID!, $a: String, $s: RunSort) { runs(projectId: $p, after: $a, sort: $s) { totalCount } }';
  const cases: [string, Record<string, unknown>][] = [
    [RUNS, { a: enc(['2020-01-01T00:00:00Z', 'not-a-uuid']) }],
    [RUNS, { a: enc(['not a date', id]) }],
    [RUNS, { a: enc(['abc', id]), s: { field: 'PROGRESS' } }],
    [RUNS, { a: enc([{ gt: 1 }, id]), s: { field: 'PROGRESS' } }],
    [RUNS, { a: enc(['o', 1e20]), s: { field: 'STATUS' } }],
    [RUNS, { a: enc(['o', -1]), s: { field: 'STATUS' } }],
    [RUNS, { a: enc([1, 2, 3]) }],
    [RUNS, { a: 'not base64 json' }],
    ['query($p: ID!, $a: String) { experiments(projectId: $p, after: $a, sort: { field: NAME }) { totalCount } }', { a: enc([5, id]) }],
    ['query($p: ID!, $a: String) { experiments(projectId: $p, after: $a, sort: { field: NAME }) { totalCount } }', { a: enc(['a\u0000', id]) }],
    ['query($p: ID!, $a: String) { sweeps(projectId: $p, after: $a) { totalCount } }', { a: enc(['2020', 'zz']) }],
  ];
  for (const [query, variables] of cases) {
    const r = await h.gql(query, { p: h.projectId, ...variables });
    assert.equal(r.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `${JSON.stringify(variables)}: ${JSON.stringify(r.errors)}`);
    assert.equal((r.errors![0].extensions as { reason?: string }).reason, 'BAD_CURSOR');
  }
  // a real cursor still pages
  const first = await h.gql('query($p: ID!) { experiments(projectId: $p, first: 1, sort: { field: NAME }) { pageInfo { endCursor } } }', { p: h.projectId });
  const next = await h.gql('query($p: ID!, $a: String) { experiments(projectId: $p, first: 1, after: $a, sort: { field: NAME }) { totalCount } }', { p: h.projectId, a: first.data.experiments.pageInfo.endCursor });
  assert.equal(next.errors, undefined);
});

test('nameContains matches %, _ and \\ literally (12.7)', async () => {
  for (const name of ['wild abc', 'wild x_y', 'wild 50% off', 'wild back\\slash']) await h.createExperiment(name, tinyConfig());
  const names = async (q: string) =>
    ((await h.gql('query($p: ID!, $q: String) { experiments(projectId: $p, first: 50, filter: { nameContains: $q }) { nodes { name } } }', { p: h.projectId, q })).data.experiments.nodes as { name: string }[])
      .map((n) => n.name)
      .sort();
  assert.deepEqual(await names('%'), ['wild 50% off']);
  assert.deepEqual(await names('_'), ['wild x_y']);
  assert.deepEqual(await names('\\'), ['wild back\\slash']);
  assert.deepEqual(await names('a%c'), []);
  assert.deepEqual(await names('WILD A'), ['wild abc'], 'still case-insensitive');
});

test('Artifact.uri names the file inside the store, not the server path (12.7)', async () => {
  const runId = await h.submitRun(expId);
  const key = `${h.projectId}/${runId}/models/dense.onnx`;
  await h.db.artifact.create({ data: { projectId: h.projectId, runId, kind: 'onnx', name: 'models/dense.onnx', key, sha256: '0'.repeat(64), sizeBytes: 1n } });
  const r = await h.gql('query($id: ID!) { run(id: $id) { artifacts { uri downloadPath } } }', { id: runId }, h.tokens.viewer);
  const [a] = r.data.run.artifacts;
  assert.equal(a.uri, `store:${key}`);
  assert.ok(!a.uri.includes(h.tmp), 'no server folder in the answer');
  assert.match(a.downloadPath, /^\/artifacts\/[0-9a-f-]{36}$/);
});
