// Local mode against the real server, Postgres and Redis (issue 12.3): browsers reach the API only from the
// dashboard's origins, and the dev login answers only the dashboard on this machine, with one reusable token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { DEV_TOKEN_NAME } from './dev-login.js';
import { startHarness, type Harness } from './testing/harness.js';

const DASHBOARD = 'http://127.0.0.1:3999';
let h: Harness;
before(async () => {
  h = await startHarness('local_mode', { LOCAL_MODE: 'true', WEB_PORT: '3999' });
});
after(async () => {
  await h?.close();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with exactly these headers (Host and Origin included, which fetch would not let us set). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  const url = new URL(h.api.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers: { ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const DEV_LOGIN = JSON.stringify({ query: 'mutation { devLogin { token apiToken { id name expiresAt } } }' });
function devLogin(headers: Record<string, string>) {
  return raw('POST', '/graphql', { 'content-type': 'application/json', host: `127.0.0.1:${h.api.port}`, ...headers }, DEV_LOGIN).then((r) => ({ ...r, json: JSON.parse(r.body) }));
}

test('CORS answers the dashboard origin only, for GraphQL and artifact downloads', async () => {
  for (const path of ['/graphql', '/artifacts/00000000-0000-4000-8000-000000000000']) {
    const evil = await raw('OPTIONS', path, { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' });
    assert.equal(evil.headers['access-control-allow-origin'], undefined, `${path}: no CORS grant for another origin`);
    const ok = await raw('OPTIONS', path, { origin: DASHBOARD, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' });
    assert.equal(ok.headers['access-control-allow-origin'], DASHBOARD, path);
    assert.match(String(ok.headers.vary), /Origin/);
  }
  const post = await raw('POST', '/graphql', { 'content-type': 'application/json', origin: 'https://evil.example' }, JSON.stringify({ query: '{ health { ok } }' }));
  assert.equal(post.headers['access-control-allow-origin'], undefined, 'a browser would not let that page read the answer');
});

test('the dev login refuses other origins, a rebound Host and no Origin; the dashboard gets one reusable token', async () => {
  const before = await h.db.apiToken.count();
  for (const [what, headers] of [
    ['another web page', { origin: 'https://evil.example' }],
    ['no Origin (not the dashboard)', {}],
    ['DNS rebinding: the dashboard origin with a foreign Host', { origin: DASHBOARD, host: `evil.example:${h.api.port}` }],
    ['the local origin but a non-loopback Host', { origin: DASHBOARD, host: `192.168.1.20:${h.api.port}` }],
  ] as const) {
    const r = await devLogin(headers);
    assert.equal(r.json.errors?.[0]?.extensions?.code, 'FORBIDDEN', `${what}: ${r.body}`);
    assert.equal(r.json.data, null);
  }
  assert.equal(await h.db.apiToken.count(), before, 'refused requests mint nothing');

  const first = await devLogin({ origin: DASHBOARD });
  assert.equal(first.json.errors, undefined, first.body);
  assert.equal(first.headers['access-control-allow-origin'], DASHBOARD);
  const again = await Promise.all([devLogin({ origin: 'http://localhost:3999', host: `localhost:${h.api.port}` }), devLogin({ origin: DASHBOARD })]);
  for (const r of again) assert.equal(r.json.data.devLogin.token, first.json.data.devLogin.token, 'the same token every time');
  assert.equal(await h.db.apiToken.count({ where: { name: DEV_TOKEN_NAME } }), 1, 'one row, not one per call');
  const row = first.json.data.devLogin.apiToken;
  assert.ok(new Date(row.expiresAt).getTime() > Date.now(), 'it expires');
  // the token works; revoked, the next dev login mints a fresh one
  const me = await h.gql('{ me { user { email } } }', {}, first.json.data.devLogin.token);
  assert.equal(me.data.me.user.email, 'demo@driftprune.local');
  await h.gql('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: row.id }, first.json.data.devLogin.token);
  const fresh = await devLogin({ origin: DASHBOARD });
  assert.notEqual(fresh.json.data.devLogin.token, first.json.data.devLogin.token);
  assert.equal(await h.db.apiToken.count({ where: { name: DEV_TOKEN_NAME, revokedAt: null } }), 1);
});

test('WebSockets: other origins are refused at the upgrade, and the dev login is refused over a socket without the dashboard origin', async () => {
  const refused = await new Promise<number>((resolve) => {
    const ws = new WebSocket(h.api.wsUrl, 'graphql-transport-ws', { origin: 'https://evil.example' });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => (ws.close(), resolve(101)));
    ws.on('error', () => {});
  });
  assert.equal(refused, 403);
  // a socket without Origin (not a browser) is accepted, but it is not the dashboard: no dev login
  const client = createClient({ url: h.api.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
  try {
    const r = await new Promise<unknown>((resolve) => client.subscribe({ query: 'mutation { devLogin { token } }' }, { next: resolve, error: resolve, complete: () => resolve('complete') }));
    assert.match(JSON.stringify(r), /FORBIDDEN/);
  } finally {
    await client.dispose();
  }
});
