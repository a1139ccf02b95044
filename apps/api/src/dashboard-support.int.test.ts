// The API pieces the dashboard relies on beyond the core schema: the local-mode dev login and artifact downloads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness('dashboard', { LOCAL_MODE: 'true' });
});
after(async () => {
  await h?.close();
});

/** The dev login as the dashboard sends it (its origin, default WEB_PORT 3000; local-mode.int.test.ts has the rest). */
async function devLogin(query: string) {
  const res = await fetch(h.api.url, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' }, body: JSON.stringify({ query }) });
  return (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
}

test('devLogin: a working demo-user token in local mode, FORBIDDEN otherwise', async () => {
  const r = await devLogin('mutation { devLogin { token apiToken { id prefix } } }');
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const token = r.data.devLogin.token as string;
  assert.ok(token.startsWith(r.data.devLogin.apiToken.prefix));
  const me = await h.gql('{ me { user { email } memberships { role project { slug } } } }', {}, token);
  assert.equal(me.data.me.user.email, 'demo@driftprune.local');
  assert.deepEqual(me.data.me.memberships.map((m: { role: string; project: { slug: string } }) => [m.project.slug, m.role]), [['demo', 'admin']]);

  h.api.services.localMode = false;
  try {
    const off = await devLogin('mutation { devLogin { token } }');
    assert.equal(off.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  } finally {
    h.api.services.localMode = true;
  }
});

test('GET /artifacts/:id serves the stored bytes to project members only, with CORS for the dashboard', async () => {
  const bytes = new TextEncoder().encode('a small report\n');
  const key = `${h.projectId}/manual/report.txt`;
  await h.api.services.store.putBytes(key, bytes);
  const a = await h.db.artifact.create({
    data: { projectId: h.projectId, kind: 'report', name: 'reports/report.txt', key, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: BigInt(bytes.length) },
  });
  const url = new URL(`/artifacts/${a.id}`, h.api.url).toString();

  assert.equal((await fetch(url)).status, 401);
  assert.equal((await fetch(url, { headers: { authorization: `Bearer ${h.tokens.outsider}` } })).status, 404, 'invisible outside its project');
  assert.equal((await fetch(new URL('/artifacts/not-a-uuid', h.api.url), { headers: { authorization: `Bearer ${h.tokens.viewer}` } })).status, 404);

  const ok = await fetch(url, { headers: { authorization: `Bearer ${h.tokens.viewer}`, origin: 'http://127.0.0.1:3000' } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'http://127.0.0.1:3000');
  assert.match(ok.headers.get('content-disposition') ?? '', /filename="report\.txt"/);
  assert.deepEqual(new Uint8Array(await ok.arrayBuffer()), bytes);

  const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
  assert.ok(preflight.status === 204 || preflight.status === 200, `preflight status ${preflight.status}`);
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/i);
});
