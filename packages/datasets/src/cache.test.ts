import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetCache, DatasetError, safeFileName, type CacheRequest } from './cache.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A dataset whose fetch writes `bytes` and counts its calls. */
function dataset(text: string, name = 'data.csv') {
  const bytes = Buffer.from(text);
  const calls = { n: 0 };
  const req: CacheRequest = {
    sha256: sha(bytes),
    sizeBytes: bytes.length,
    fileName: name,
    label: `dataset '${name}'`,
    async fetch(path) {
      calls.n++;
      await writeFile(path, bytes);
      return { sha256: sha(bytes), sizeBytes: bytes.length };
    },
  };
  return { req, calls, bytes };
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'dp-cache-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('cache: fetched once per hash, concurrent acquirers share one fetch, names kept', () =>
  withDir(async (dir) => {
    const cache = new DatasetCache(dir, 1_000);
    const a = dataset('label,x\n1,a\n', 'day_3.gz');
    const [h1, h2] = await Promise.all([cache.acquire(a.req), cache.acquire(a.req)]);
    assert.equal(a.calls.n, 1);
    assert.equal(h1.path, join(dir, a.req.sha256, 'day_3.gz'));
    assert.equal(h2.path, h1.path);
    assert.deepEqual(await readFile(h1.path), a.bytes);
    const h3 = await cache.acquire(a.req);
    assert.equal(h3.hit, true);
    assert.equal(a.calls.n, 1);
    // the same bytes under another name: a link beside it, still one fetch
    const h4 = await cache.acquire({ ...a.req, fileName: '../../etc/other name.csv' });
    assert.equal(h4.path, join(dir, a.req.sha256, 'other_name.csv'));
    assert.equal(a.calls.n, 1);
    for (const h of [h1, h2, h3, h4]) h.release();
  }));

test('cache: least recently used datasets nobody holds are evicted to stay within the bound', () =>
  withDir(async (dir) => {
    const cache = new DatasetCache(dir, 100);
    const a = dataset('a'.repeat(40), 'a.csv');
    const b = dataset('b'.repeat(40), 'b.csv');
    const c = dataset('c'.repeat(40), 'c.csv');
    (await cache.acquire(a.req)).release();
    const hb = await cache.acquire(b.req);
    // a used longer ago than b
    await utimes(join(dir, a.req.sha256), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const hc = await cache.acquire(c.req);
    const left = (await readdir(dir)).sort();
    assert.deepEqual(left, [b.req.sha256, c.req.sha256].sort(), 'a (least recently used, not held) went');
    assert.equal(cache.counters.evictions, 1);
    // b and c are held: d cannot fit and nothing held is evicted
    const d = dataset('d'.repeat(40), 'd.csv');
    await assert.rejects(cache.acquire(d.req), (e: unknown) => e instanceof DatasetError && e.code === 'DATASET_CACHE_FULL' && !e.permanent);
    assert.deepEqual((await readdir(dir)).sort(), [b.req.sha256, c.req.sha256].sort());
    hb.release();
    const hd = await cache.acquire(d.req);
    assert.deepEqual((await readdir(dir)).sort(), [c.req.sha256, d.req.sha256].sort());
    hc.release();
    hd.release();
    // bigger than the whole cache: a permanent error, nothing fetched
    const big = dataset('x'.repeat(101));
    await assert.rejects(cache.acquire(big.req), (e: unknown) => e instanceof DatasetError && e.code === 'DATASET_TOO_LARGE_FOR_CACHE' && e.permanent);
    assert.equal(big.calls.n, 0);
  }));

test('cache: content that does not hash to the registered sha256 is refused and not kept', () =>
  withDir(async (dir) => {
    const cache = new DatasetCache(dir, 1_000);
    const a = dataset('label,x\n1,a\n');
    const tampered: CacheRequest = {
      ...a.req,
      async fetch(path) {
        await writeFile(path, 'label,x\n0,b\n');
        return { sha256: sha(Buffer.from('label,x\n0,b\n')), sizeBytes: 12 };
      },
    };
    await assert.rejects(cache.acquire(tampered), (e: unknown) => e instanceof DatasetError && e.code === 'DATASET_HASH_MISMATCH' && e.permanent);
    assert.deepEqual(await readdir(dir), []);
    // a fetch that fails midway leaves no temporary folder either
    const failing: CacheRequest = { ...a.req, fetch: async () => Promise.reject(new Error('connection reset')) };
    await assert.rejects(cache.acquire(failing), /connection reset/);
    assert.deepEqual(await readdir(dir), []);
    // and the next acquire fetches again
    const h = await cache.acquire(a.req);
    assert.equal(a.calls.n, 1);
    h.release();
  }));

test('cache: leftovers of an interrupted fetch are removed at first use', () =>
  withDir(async (dir) => {
    await writeFile(join(dir, '.tmp-abc'), 'partial');
    const cache = new DatasetCache(dir, 1_000);
    const a = dataset('x');
    (await cache.acquire(a.req)).release();
    assert.deepEqual(await readdir(dir), [a.req.sha256]);
  }));

test('safeFileName keeps a harmless last segment', () => {
  assert.equal(safeFileName('/a/b/train.csv.gz'), 'train.csv.gz');
  assert.equal(safeFileName('..'), 'data');
  assert.equal(safeFileName(null), 'data');
  assert.equal(safeFileName('day 1;rm -rf.gz'), 'day_1_rm_-rf.gz');
});
