// The response cache against the real server, Postgres and Redis: hits for repeated reads, per-caller entries,
// invalidation by mutations and by workers' events, no caching of errors or of uncacheable reads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startHarness, tinyConfig, waitFor, type Harness } from '../testing/harness.js';

let h: Harness;
let redis: Redis;
before(async () => {
  h = await startHarness('response_cache');
  redis = new Redis(h.env.REDIS_URL);
});
after(async () => {
  redis?.disconnect();
  await h?.close();
});

const LIST = 'query($p: ID!) { experiments(projectId: $p, first: 50) { totalCount nodes { id name runCount } } }';

async function post(query: string, variables: Record<string, unknown>, token: string | null) {
  const res = await fetch(h.api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { cache: res.headers.get('x-response-cache'), text, json: JSON.parse(text) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
}

const createExperiment = (name: string) => h.createExperiment(name, tinyConfig(), h.tokens.editor);

test('a repeated read is answered from the cache, byte for byte', async () => {
  await createExperiment('first');
  const a = await post(LIST, { p: h.projectId }, h.tokens.viewer);
  const b = await post(LIST, { p: h.projectId }, h.tokens.viewer);
  assert.equal(a.cache, 'miss');
  assert.equal(b.cache, 'hit');
  assert.equal(b.text, a.text);
  assert.equal(a.json.data.experiments.totalCount, 1);
});

test('entries are per caller: another user gets their own answer, and errors are never stored', async () => {
  await post(LIST, { p: h.projectId }, h.tokens.viewer); // cached for the viewer
  const outsider1 = await post(LIST, { p: h.projectId }, h.tokens.outsider);
  const outsider2 = await post(LIST, { p: h.projectId }, h.tokens.outsider);
  assert.ok(outsider1.json.errors?.length, 'the outsider cannot read the project');
  assert.equal(outsider1.json.data, null);
  assert.equal(outsider2.cache, 'miss', 'an error response was not stored');
  const anonymous = await post(LIST, { p: h.projectId }, null);
  assert.equal(anonymous.json.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  assert.equal(anonymous.cache, 'bypass');
});

test('a mutation drops cached reads before its response is sent', async () => {
  await post(LIST, { p: h.projectId }, h.tokens.viewer);
  assert.equal((await post(LIST, { p: h.projectId }, h.tokens.viewer)).cache, 'hit');
  const id = await createExperiment('second');
  const after = await post(LIST, { p: h.projectId }, h.tokens.viewer);
  assert.equal(after.cache, 'miss');
  assert.ok(after.json.data.experiments.nodes.some((e: { id: string }) => e.id === id));
});

test("a worker's events drop the cached reads of its project only", async () => {
  const ch = { run: `${h.env.QUEUE_PREFIX}:events:run`, changed: `${h.env.QUEUE_PREFIX}:events:changed` };
  const exp = await h.db.experiment.findFirstOrThrow({ where: { projectId: h.projectId } });
  const otherList = [LIST, { p: h.otherProjectId }, h.tokens.outsider] as const;
  await post(LIST, { p: h.projectId }, h.tokens.viewer);
  await post(...otherList);
  assert.equal((await post(LIST, { p: h.projectId }, h.tokens.viewer)).cache, 'hit');
  assert.equal((await post(...otherList)).cache, 'hit');
  // A worker writes, then announces (here: a renamed experiment and a `changed` message naming the project).
  await h.db.experiment.update({ where: { id: exp.id }, data: { name: 'renamed by a worker' } });
  await redis.publish(ch.changed, JSON.stringify({ projectId: h.projectId }));
  const fresh = await waitFor('the changed message to reach the API', async () => {
    const r = await post(LIST, { p: h.projectId }, h.tokens.viewer);
    return r.cache === 'miss' ? r : null;
  }, 5_000, 20);
  assert.ok(fresh.json.data.experiments.nodes.some((e: { name: string }) => e.name === 'renamed by a worker'));
  assert.equal((await post(...otherList)).cache, 'hit', 'the other project stays cached');
  // Run events invalidate the same way.
  await post(LIST, { p: h.projectId }, h.tokens.viewer);
  await redis.publish(ch.run, JSON.stringify({ projectId: h.projectId, runId: '00000000-0000-0000-0000-000000000000', status: 'running' }));
  await waitFor('the run event to reach the API', async () => (await post(LIST, { p: h.projectId }, h.tokens.viewer)).cache === 'miss', 5_000, 20);
});

test('identical requests that miss together share one execution', async () => {
  await createExperiment('third'); // drops the cached list
  const rs = await Promise.all(Array.from({ length: 20 }, () => post(LIST, { p: h.projectId }, h.tokens.viewer)));
  const how = rs.map((r) => r.cache);
  assert.equal(how.filter((c) => c === 'miss').length, 1, how.join(' '));
  assert.ok(how.every((c) => c === 'miss' || c === 'shared' || c === 'hit'), how.join(' '));
  assert.ok(rs.every((r) => r.text === rs[0].text));
  assert.ok(rs[0].json.data.experiments.nodes.some((e: { name: string }) => e.name === 'third'));
});

test('reads of workers, tokens and health, and mutations, bypass the cache', async () => {
  for (const q of ['{ workers { id } }', '{ apiTokens { id } }', '{ health { ok } }', '{ me { user { id } } }']) {
    await post(q, {}, h.tokens.admin);
    assert.equal((await post(q, {}, h.tokens.admin)).cache, 'bypass', q);
  }
});

test('a revoked token is refused even for a cached read', async () => {
  const created = await h.gql('mutation { createApiToken(name: "short-lived") { token apiToken { id } } }', {}, h.tokens.viewer);
  const { token, apiToken } = created.data.createApiToken;
  await post(LIST, { p: h.projectId }, token);
  assert.equal((await post(LIST, { p: h.projectId }, token)).cache, 'hit');
  await h.gql('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: apiToken.id }, h.tokens.viewer);
  const r = await post(LIST, { p: h.projectId }, token);
  assert.equal(r.json.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
});
