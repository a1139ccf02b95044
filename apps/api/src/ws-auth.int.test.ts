// WebSockets do not outlive revocation or demotion (issue 12.4), with the real graphql-ws client against the real
// server, Postgres and Redis, and a second API process on the same database and Redis: tokens and roles are checked
// per operation, and a revoked token's sockets are closed within a second in every API process.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import { startApiServer, type ApiServer } from './server.js';
import { startHarness, tinyConfig, within, type Harness } from './testing/harness.js';

let h: Harness;
let second: ApiServer;
const clients: Client[] = [];
let ids: Record<string, string>;

before(async () => {
  h = await startHarness('ws_auth');
  second = await startApiServer({ env: h.env, port: 0, log: () => {} });
  ids = Object.fromEntries((await h.db.user.findMany()).map((u) => [u.email.split('@')[0], u.id]));
});
after(async () => {
  for (const c of clients) await c.dispose();
  await second?.close();
  await h?.close();
});

/** A graphql-ws client that records how its socket closed (a promise that settles on the first close). */
function connect(url: string, token: string) {
  let onClose!: (e: { code: number; reason: string; at: number }) => void;
  let onOpen!: () => void;
  let onError!: (e: unknown) => void;
  const closed = new Promise<{ code: number; reason: string; at: number }>((r) => (onClose = r));
  const opened = new Promise<void>((resolve, reject) => ((onOpen = resolve), (onError = reject)));
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    // the close is recorded below; graphql-ws would print it (console.error) as a non-lazy connection error
    onNonLazyError: () => {},
    on: {
      connected: () => onOpen(),
      closed: (e) => {
        const ev = e as { code: number; reason: string };
        onClose({ code: ev.code, reason: ev.reason, at: performance.now() });
      },
      error: (e) => onError(e),
    },
  });
  clients.push(client);
  return { client, closed, opened };
}

/** One operation over the socket: its single result (errors included). */
async function once(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<FormattedExecutionResult<any, unknown>> {
  for await (const r of client.iterate<any, unknown>({ query, variables })) return r;
  throw new Error('completed without a result');
}

const code = (r: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.code;

test('a revoked token: its sockets in both API processes close within a second, and it can do nothing more', async () => {
  const created = await h.gql('mutation { createApiToken(name: "ws") { token apiToken { id } } }', {}, h.tokens.editor);
  const { token, apiToken } = created.data.createApiToken;
  const a = connect(h.api.wsUrl, token);
  const b = connect(second.wsUrl, token);
  await Promise.all([within(a.opened, 10_000, 'socket A'), within(b.opened, 10_000, 'socket B')]);
  // the token works over both sockets: a query, a mutation (minting a token), and an open subscription
  assert.equal((await once(a.client, '{ me { user { email } } }')).data.me.user.email, 'editor@test.local');
  const minted = await once(b.client, 'mutation { createApiToken(name: "from ws") { apiToken { id } } }');
  assert.equal(minted.errors, undefined, JSON.stringify(minted.errors));
  const events: unknown[] = [];
  const ended = new Promise<string>((resolve) =>
    a.client.subscribe({ query: 'subscription($p: ID!) { runUpdated(projectId: $p) { id } }', variables: { p: h.projectId } }, { next: (r) => events.push(r), error: () => resolve('error'), complete: () => resolve('complete') }),
  );

  const revoked = await h.gql('mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', { id: apiToken.id }, h.tokens.editor);
  const t0 = performance.now();
  assert.ok(revoked.data.revokeApiToken.revokedAt);
  const [ca, cb] = await Promise.all([within(a.closed, 5_000, 'close of socket A'), within(b.closed, 5_000, 'close of socket B (other API process)')]);
  for (const c of [ca, cb]) {
    assert.equal(c.code, 4401, c.reason);
    assert.ok(c.at - t0 < 1_000, `closed ${Math.round(c.at - t0)} ms after the revocation`);
  }
  assert.equal(await within(ended, 5_000, 'end of the subscription'), 'error');
  // a new socket with the revoked token is accepted, but every operation answers UNAUTHENTICATED
  const c = connect(h.api.wsUrl, token);
  await within(c.opened, 10_000, 'socket C');
  assert.equal(code(await once(c.client, '{ me { user { email } } }')), 'UNAUTHENTICATED');
  assert.equal(code(await once(c.client, 'mutation { createApiToken(name: "again") { token } }')), 'UNAUTHENTICATED');
  assert.equal(await h.db.apiToken.count({ where: { name: 'again' } }), 0);
});

test('roles are read per operation: a promotion applies on the open socket, a demotion closes it and writes fail', async () => {
  const CREATE = 'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }';
  const input = (name: string) => ({ i: { projectId: h.projectId, name, config: tinyConfig() } });
  const SET_ROLE = 'mutation($p: ID!, $u: ID!, $r: Role!) { setProjectMemberRole(projectId: $p, userId: $u, role: $r) { role } }';
  // the viewer's socket lives in the second API process; role changes are made through the first
  const v = connect(second.wsUrl, h.tokens.viewer);
  await within(v.opened, 10_000, 'viewer socket');
  assert.equal(code(await once(v.client, CREATE, input('as viewer'))), 'FORBIDDEN');
  await h.gql(SET_ROLE, { p: h.projectId, u: ids.viewer, r: 'editor' });
  const asEditor = await once(v.client, CREATE, input('promoted'));
  assert.equal(asEditor.errors, undefined, `the same socket writes after the promotion: ${JSON.stringify(asEditor.errors)}`);

  const t0 = performance.now();
  await h.gql(SET_ROLE, { p: h.projectId, u: ids.viewer, r: 'viewer' });
  const closed = await within(v.closed, 5_000, 'close after the demotion');
  assert.equal(closed.code, 4403, closed.reason);
  assert.ok(closed.at - t0 < 1_000, `closed ${Math.round(closed.at - t0)} ms after the demotion`);
  const again = connect(second.wsUrl, h.tokens.viewer);
  await within(again.opened, 10_000, 'viewer socket again');
  assert.equal(code(await once(again.client, CREATE, input('demoted'))), 'FORBIDDEN');
  assert.equal(await h.db.experiment.count({ where: { name: { in: ['as viewer', 'demoted'] } } }), 0);
  assert.equal(await h.db.experiment.count({ where: { name: 'promoted' } }), 1);
});

test('over HTTP, the other API process refuses a revoked token at once (its cache is cleared by the event)', async () => {
  const created = await h.gql('mutation { createApiToken(name: "http") { token apiToken { id } } }', {}, h.tokens.viewer);
  const { token, apiToken } = created.data.createApiToken;
  const viaSecond = (t: string) =>
    fetch(second.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t}` }, body: JSON.stringify({ query: '{ me { user { email } } }' }) }).then(
      (r) => r.json() as Promise<{ data?: any; errors?: { extensions?: Record<string, unknown> }[] }>,
    );
  assert.equal((await viaSecond(token)).data.me.user.email, 'viewer@test.local', 'cached in the second process now');
  // the second process has applied the event once it closes this token's socket (open before the revocation)
  const s = connect(second.wsUrl, token);
  await within(s.opened, 10_000, 'socket on the second process');
  await h.gql('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: apiToken.id }, h.tokens.viewer);
  await within(s.closed, 5_000, 'the second process applying the revocation');
  assert.equal(code(await viaSecond(token)), 'UNAUTHENTICATED', 'not served from the 5 s principal cache');
});
