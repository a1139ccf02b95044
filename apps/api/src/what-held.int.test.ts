// What held when issue 12 attacked the platform, kept under test against the real server, Postgres and Redis, so it
// keeps holding: expired tokens, artifact paths, batched and malformed bodies, YAML bombs, `__proto__` config keys,
// 20 concurrent submits, cancel/retry storms, and tokens never in the logs. (No, bad and revoked tokens, project
// isolation and roles: api.int.test.ts and authorization.int.test.ts.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { Queue } from 'bullmq';
import { newApiToken } from '@driftprune/db';
import { redisConnection, RUN_QUEUES } from '@driftprune/runs';
import { startApiServer, type ApiServer } from './server.js';
import { startHarness, tinyConfig, within, type Harness } from './testing/harness.js';

let h: Harness;
let logged: ApiServer;
const logs: string[] = [];
before(async () => {
  h = await startHarness('what_held');
  // a second API process on the same database whose log lines are kept (the harness's own API logs nothing)
  logged = await startApiServer({ env: h.env, port: 0, log: (m) => logs.push(m) });
});
after(async () => {
  await logged?.close();
  await h?.close();
});

const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;
const CREATE_EXP = 'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id config } }';

/** A raw request: the path exactly as given (no URL normalisation), status and body. */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  const url = new URL(h.api.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('an expired token is UNAUTHENTICATED over HTTP and WebSocket', async () => {
  const user = await h.db.user.findUniqueOrThrow({ where: { email: 'viewer@test.local' } });
  const t = newApiToken();
  await h.db.apiToken.create({ data: { userId: user.id, name: 'old', tokenHash: t.hash, prefix: t.prefix, expiresAt: new Date(Date.now() - 1000) } });
  assert.equal(code(await h.gql('{ me { user { email } } }', {}, t.token)), 'UNAUTHENTICATED');
  const client = createClient({ url: h.api.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${t.token}` }, retryAttempts: 0 });
  try {
    const r = await within(new Promise<unknown>((resolve) => client.subscribe({ query: '{ me { user { email } } }' }, { next: resolve, error: resolve, complete: () => resolve('complete') })), 10_000, 'the answer');
    assert.match(JSON.stringify(r), /UNAUTHENTICATED/);
  } finally {
    await client.dispose();
  }
});

test('artifact downloads: no path reaches a file by traversal; ids are looked up, never joined into a path', async () => {
  for (const path of ['/artifacts/..%2F..%2F..%2Fetc%2Fpasswd', '/artifacts/%2e%2e%2f%2e%2e%2fpackage.json', '/artifacts/../../package.json', '/artifacts/....//....//etc/passwd']) {
    const r = await raw('GET', path, { authorization: `Bearer ${h.tokens.admin}` });
    assert.ok(r.status === 404, `${path}: ${r.status}`);
    assert.doesNotMatch(r.body, /root:|"workspaces"/, path);
  }
  assert.equal((await raw('GET', '/artifacts/..%2F..%2Fetc%2Fpasswd', {})).status, 401, 'no token, no lookup');
});

test('batched, malformed and non-JSON bodies get coded errors', async () => {
  const batched = await raw('POST', '/graphql', { 'content-type': 'application/json' }, JSON.stringify([{ query: '{ health { ok } }' }, { query: '{ health { ok } }' }]));
  assert.equal(batched.status, 400);
  assert.match(batched.body, /batch/i);
  const bad = await raw('POST', '/graphql', { 'content-type': 'application/json' }, '{"query": "{ health { ok } }"');
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.body).errors[0].extensions.code, 'BAD_USER_INPUT');
  // a simple (CSRF-able) request with a text body executes nothing
  const text = await raw('POST', '/graphql', { 'content-type': 'text/plain' }, JSON.stringify({ query: 'mutation { createApiToken(name: "csrf") { token } }' }));
  assert.equal(text.status, 400);
  assert.equal(await h.db.apiToken.count({ where: { name: 'csrf' } }), 0);
});

test('a YAML bomb is refused quickly as bad input, and the process keeps serving', async () => {
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array.from({ length: 9 }, () => `*${String.fromCharCode(96 + i)}`).join(',')}]`);
  const bomb = levels.join('\n') + '\n';
  const t0 = performance.now();
  const r = await h.gql(CREATE_EXP, { i: { projectId: h.projectId, name: 'bomb', config: bomb } });
  assert.equal(code(r), 'BAD_USER_INPUT', JSON.stringify(r.errors));
  assert.ok(performance.now() - t0 < 5_000, 'refused without expanding 9^9 nodes');
  assert.equal((await h.gql('{ health { ok } }', {}, null)).data.health.ok, true);
});

test('__proto__ keys in a config reach no prototype', async () => {
  const config = JSON.parse(`{"__proto__": {"polluted": 1}, "data": {"__proto__": {"polluted": 2}, "source": "synthetic"}, "paradigm": {"kind": "dense"}}`);
  const r = await h.gql(CREATE_EXP, { i: { projectId: h.projectId, name: 'proto', config } });
  const yaml = await h.gql(CREATE_EXP, { i: { projectId: h.projectId, name: 'proto yaml', config: '__proto__: { polluted: 3 }\ndata: { source: synthetic }\nparadigm: { kind: dense }\n' } });
  for (const res of [r, yaml]) {
    if (res.errors) assert.equal(code(res), 'BAD_USER_INPUT');
    else assert.equal(Object.getPrototypeOf(res.data.createExperiment.config), Object.prototype);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((await h.gql('query($p: ID!) { project(id: $p) { name } }', { p: h.projectId })).data.project.name, 'Main');
});

test('20 concurrent submitRun: 20 rows and 20 jobs', async () => {
  const expId = await h.createExperiment('twenty', tinyConfig());
  const rs = await Promise.all(Array.from({ length: 20 }, () => h.gql('mutation($e: ID!) { submitRun(input: { experimentId: $e }) { id } }', { e: expId })));
  assert.deepEqual(rs.map((r) => r.errors), Array(20).fill(undefined));
  const ids = new Set(rs.map((r) => r.data.submitRun.id as string));
  assert.equal(ids.size, 20);
  assert.equal(await h.db.run.count({ where: { experimentId: expId } }), 20);
  const q = new Queue(RUN_QUEUES.cpu, { connection: redisConnection(h.env.REDIS_URL), prefix: h.env.QUEUE_PREFIX });
  try {
    const jobs = (await q.getJobs(['waiting', 'prioritized'], 0, -1)).filter((j) => ids.has(j.data.runId));
    assert.equal(jobs.length, 20);
    assert.equal(new Set(jobs.map((j) => j.data.runId)).size, 20, 'one job per run');
  } finally {
    await q.close();
  }
});

test('a cancel/retry storm on one run: only coded answers, and it ends cancelled or queued with its job', async () => {
  const expId = await h.createExperiment('storm', tinyConfig());
  const runId = await h.submitRun(expId);
  const ops = Array.from({ length: 30 }, (_, i) => h.gql(`mutation($id: ID!) { ${i % 2 ? 'retryRun' : 'cancelRun'}(id: $id) { status } }`, { id: runId }));
  const rs = await Promise.all(ops);
  for (const r of rs) if (r.errors) assert.equal(code(r), 'BAD_USER_INPUT', JSON.stringify(r.errors));
  assert.ok(rs.some((r) => !r.errors), 'some calls went through');
  const run = await h.db.run.findUniqueOrThrow({ where: { id: runId } });
  assert.ok(run.status === 'cancelled' || run.status === 'queued', run.status);
  if (run.status === 'queued') {
    const q = new Queue(RUN_QUEUES.cpu, { connection: redisConnection(h.env.REDIS_URL), prefix: h.env.QUEUE_PREFIX });
    try {
      assert.ok((await q.getJobs(['waiting', 'prioritized'], 0, -1)).some((j) => j.data.runId === runId), 'a queued run has a job to run it');
    } finally {
      await q.close();
    }
  }
});

test('tokens are stored hashed and never logged, not even when the server fails', async () => {
  const gql = async (query: string, variables: Record<string, unknown>, token: string | null) => {
    const res = await fetch(logged.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
  };
  const created = await gql('mutation { createApiToken(name: "log check") { token apiToken { id } } }', {}, h.tokens.editor);
  const token = created.data.createApiToken.token as string;
  await gql('{ me { user { email } } }', {}, token);
  await gql('{ me { user { email } } }', {}, `${token}x`);
  // an internal error (a database failure) is logged: with the stack, never with the request's token
  const broken = logged.services.db.experiment.findUnique;
  logged.services.db.experiment.findUnique = (() => Promise.reject(new Error('database unavailable (test)'))) as never;
  try {
    const r = await gql('query($id: ID!) { experiment(id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000000' }, token);
    assert.equal(code(r), 'INTERNAL_SERVER_ERROR');
  } finally {
    logged.services.db.experiment.findUnique = broken;
  }
  await gql('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: created.data.createApiToken.apiToken.id }, token);
  assert.ok(logs.some((l) => l.includes('database unavailable (test)')), 'the failure was logged');
  for (const t of [token, ...Object.values(h.tokens)]) assert.ok(!logs.some((l) => l.includes(t) || l.includes(t.slice(3))), 'a token in the log');
  const row = await h.db.apiToken.findUniqueOrThrow({ where: { id: created.data.createApiToken.apiToken.id } });
  assert.notEqual(row.tokenHash, token);
  assert.ok(!JSON.stringify(row).includes(token.slice(3)), 'no part of the secret stored');
});
