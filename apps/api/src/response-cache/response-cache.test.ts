import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseCache } from './response-cache.js';

const body = (s: string) => ({ body: Buffer.from(s), contentType: 'application/json' });

function cache(ttlMs = 1_000, maxBytes = 1 << 20) {
  let now = 0;
  const c = new ResponseCache({ ttlMs, maxBytes, now: () => now });
  return { c, tick: (ms: number) => (now += ms) };
}

test('an entry is served until its project changes, and only then', () => {
  const { c } = cache();
  const v = c.version(['p1']);
  c.set('k', ['p1'], v, body('a'));
  assert.equal(c.get('k', ['p1'])?.body.toString(), 'a');
  c.invalidate('p2'); // another project: still valid
  assert.equal(c.get('k', ['p1'])?.body.toString(), 'a');
  c.invalidate('p1');
  assert.equal(c.get('k', ['p1']), undefined);
  assert.deepEqual({ hits: c.stats.hits, misses: c.stats.misses }, { hits: 2, misses: 1 });
});

test('a global invalidation (an API mutation) drops every entry', () => {
  const { c } = cache();
  c.set('a', ['p1'], c.version(['p1']), body('a'));
  c.set('b', ['p2', 'p3'], c.version(['p2', 'p3']), body('b'));
  c.invalidate();
  assert.equal(c.get('a', ['p1']), undefined);
  assert.equal(c.get('b', ['p2', 'p3']), undefined);
});

test('a body computed while a write committed is never stored', () => {
  const { c } = cache();
  const before = c.version(['p1']);
  c.invalidate('p1'); // the write lands while the request runs
  c.set('k', ['p1'], before, body('stale'));
  assert.equal(c.get('k', ['p1']), undefined);
  assert.equal(c.stats.stores, 0);
});

test('entries expire after the TTL; a TTL of 0 turns the cache off', () => {
  const { c, tick } = cache(1_000);
  c.set('k', ['p'], c.version(['p']), body('a'));
  tick(1_000);
  assert.equal(c.get('k', ['p'])?.body.toString(), 'a');
  tick(1);
  assert.equal(c.get('k', ['p']), undefined);
  const off = new ResponseCache({ ttlMs: 0, maxBytes: 1 << 20 });
  assert.equal(off.enabled, false);
  off.set('k', ['p'], off.version(['p']), body('a'));
  assert.equal(off.get('k', ['p']), undefined);
});

test('the memory budget evicts the least recently used entries', () => {
  const { c } = cache(60_000, 40_000);
  const big = 'x'.repeat(8_000); // about 8 kB each
  for (const k of ['a', 'b', 'c', 'd']) c.set(k, [], c.version([]), body(big));
  assert.ok(c.get('a', [])); // a is now the most recently used
  c.set('e', [], c.version([]), body(big));
  const snap = c.snapshot();
  assert.ok(snap.bytes <= 40_000, `${snap.bytes} bytes held`);
  assert.equal(snap.evictions, 1);
  assert.ok(c.get('a', []), 'recently used entry kept');
  assert.equal(c.get('b', []), undefined, 'least recently used entry evicted');
  // A body larger than a quarter of the budget is not stored at all.
  c.set('huge', [], c.version([]), body('y'.repeat(12_000)));
  assert.equal(c.get('huge', []), undefined);
});
