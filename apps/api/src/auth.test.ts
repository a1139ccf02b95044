import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '@driftprune/db';
import { Authenticator } from './auth.js';

/** A database that answers token lookups after `delayMs` and counts them. */
function fakeDb(delayMs = 5) {
  const calls = { lookups: 0 };
  let revoked = false;
  const db = {
    apiToken: {
      findUnique: async () => {
        calls.lookups++;
        const seen = revoked;
        await new Promise((r) => setTimeout(r, delayMs));
        return {
          id: 't1',
          revokedAt: seen ? new Date() : null,
          expiresAt: null,
          lastUsedAt: new Date(),
          user: { id: 'u1', email: 'a@b', name: 'a', createdAt: new Date(), members: [{ projectId: 'p1', role: 'viewer' }] },
        };
      },
      update: async () => ({}),
    },
  } as unknown as Db;
  return { db, calls, revoke: () => (revoked = true) };
}

test('concurrent requests with one token share one lookup, then the cached principal', async () => {
  const { db, calls } = fakeDb();
  const auth = new Authenticator(db);
  const ps = await Promise.all(Array.from({ length: 50 }, () => auth.authenticate('dp_token-a')));
  assert.equal(calls.lookups, 1);
  assert.ok(ps.every((p) => p === ps[0] && p?.user.id === 'u1'));
  assert.equal(await auth.authenticate('dp_token-a'), ps[0]);
  assert.equal(calls.lookups, 1);
  assert.equal(await auth.authenticate(null), null);
});

test('a lookup in flight when the cache is cleared (a revocation) is not kept', async () => {
  const { db, calls, revoke } = fakeDb(20);
  const auth = new Authenticator(db);
  const inFlight = auth.authenticate('dp_token-b');
  auth.clear();
  revoke();
  assert.ok(await inFlight, 'a request that started before the revocation completes with what it saw');
  assert.equal(await auth.authenticate('dp_token-b'), null, 'the next request looks the token up again');
  assert.equal(calls.lookups, 2);
});
