// graphql-ws messages over MAX_REQUEST_BYTES (200 kB in the harness): below the hard cap (4×) they get the same coded
// error as an oversized HTTP body and the connection stays usable; above it the socket is closed with 1009. Either
// way nothing reaches the resolvers. Real API server, Postgres and Redis.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'graphql-ws';
import { startHarness, tinyConfig, type Harness } from './testing/harness.js';
import { wsHardCap } from './ws-payload-limit.js';

let h: Harness;
before(async () => {
  h = await startHarness('wslimit');
});
after(async () => {
  await h?.close();
});

const CREATE_EXP = 'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }';

async function tableCounts() {
  const [e, r, s, d] = await Promise.all([h.db.experiment.count(), h.db.run.count(), h.db.sweep.count(), h.db.dataset.count()]);
  return { experiments: e, runs: r, sweeps: s, datasets: d };
}

/** A createExperiment whose description pads the subscribe message to about `bytes`. */
const createOfSize = (bytes: number) => ({ query: CREATE_EXP, variables: { i: { projectId: h.projectId, name: 'big', description: 'x'.repeat(bytes), config: tinyConfig() } } });

/** The first result of one operation on `client`: its data, or what it failed with (errors array or close event). */
async function firstResult(client: Client, op: { query: string; variables?: Record<string, unknown> }): Promise<{ data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[]; closeCode?: number }> {
  try {
    for await (const r of client.iterate(op)) return { data: r.data, errors: r.errors as never };
    return {};
  } catch (e) {
    if (Array.isArray(e)) return { errors: e };
    return { closeCode: (e as { code?: number }).code };
  }
}

/** Counts the sockets a client opened and closed. */
function watchSockets(client: Client) {
  const seen = { connected: 0, closed: [] as number[] };
  client.on('connected', () => void seen.connected++);
  client.on('closed', (e) => void seen.closed.push((e as { code: number }).code));
  return seen;
}

test('an oversized subscribe message under the hard cap gets BAD_USER_INPUT naming the limit; the connection stays open', async () => {
  const limit = h.env.MAX_REQUEST_BYTES;
  const before = await tableCounts();
  const client = h.ws(h.tokens.editor);
  const sockets = watchSockets(client);
  // the client closes an idle socket (lazy mode): a subscription held open keeps the one socket for the whole test
  const keeper = client.iterate({ query: 'subscription($p: ID!) { runUpdated(projectId: $p) { id } }', variables: { p: h.projectId } });
  void keeper.next().catch(() => {});
  const big = await firstResult(client, createOfSize(limit + 50_000));
  assert.equal(big.closeCode, undefined, 'not closed');
  assert.equal(big.errors?.length, 1, JSON.stringify(big));
  assert.equal(big.errors![0].extensions?.code, 'BAD_USER_INPUT');
  assert.equal(big.errors![0].extensions?.reason, 'PAYLOAD_TOO_LARGE');
  assert.equal(big.errors![0].extensions?.limit, limit);
  assert.match(big.errors![0].message, new RegExp(`exceeds ${limit} bytes`));
  // twice, just under the cap: still answered, not closed
  const bigger = await firstResult(client, createOfSize(wsHardCap(limit) - 10_000));
  assert.equal(bigger.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  // the same socket takes the next operation
  const me = await firstResult(client, { query: '{ me { user { email } } }' });
  assert.deepEqual(me, { data: { me: { user: { email: 'editor@test.local' } } }, errors: undefined });
  // and a small mutation still writes
  const small = await firstResult(client, createOfSize(10));
  assert.equal(small.errors, undefined, JSON.stringify(small.errors));
  assert.deepEqual(sockets, { connected: 1, closed: [] }, 'one socket, never closed');
  await keeper.return?.();
  assert.deepEqual(await tableCounts(), { ...before, experiments: before.experiments + 1 }, 'only the small mutation wrote');
  // the HTTP error for an oversized body has the same code, reason and limit
  const http = await h.gql(CREATE_EXP, createOfSize(limit + 50_000).variables, h.tokens.editor);
  assert.equal(http.status, 413);
  assert.deepEqual(http.errors?.[0]?.extensions, big.errors![0].extensions);
});

test('a message over the hard cap closes the socket with 1009 and writes nothing', async () => {
  const before = await tableCounts();
  const client = h.ws(h.tokens.editor);
  const sockets = watchSockets(client);
  const huge = await firstResult(client, createOfSize(wsHardCap(h.env.MAX_REQUEST_BYTES) + 10_000));
  assert.equal(huge.closeCode, 1009, JSON.stringify(huge));
  assert.deepEqual(sockets.closed, [1009]);
  assert.deepEqual(await tableCounts(), before);
});
