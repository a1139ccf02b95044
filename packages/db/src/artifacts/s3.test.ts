// The S3 store over HTTP against s3rver, an S3-compatible server in-process. s3rver checks the access key but not
// SigV4 signatures; the signing itself is checked against AWS's published example in store.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { createArtifactStore, S3Store } from './store.js';
import { sweepOrphanRunFolders } from './orphans.js';
import { startS3Standin } from '../testing/s3-standin.js';

test('s3 store: put (sha256, size), get, download, delete by prefix; an unknown access key is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dp-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(dir, 'data'), configureBuckets: [{ name: 'artifacts', configs: [] }] });
  const { port } = await server.run();
  try {
    const env = { ARTIFACT_STORE: 's3://artifacts/driftprune', S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };
    const store = createArtifactStore(env);
    assert.ok(store instanceof S3Store);
    assert.equal(store.url, 's3://artifacts/driftprune');
    const bytes = Buffer.from('an ONNX model, more or less: ' + 'x'.repeat(5000));
    const src = join(dir, 'model.onnx');
    await writeFile(src, bytes);
    const put = await store.putFile('projects/p/runs/r/models/serving w0001.onnx', src);
    assert.deepEqual(put, { key: 'projects/p/runs/r/models/serving w0001.onnx', sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length });
    await store.putBytes('projects/p/runs/r/checkpoint/state.json', new TextEncoder().encode('{"nextWindow":3}'));
    await store.putBytes('projects/p/runs/other/summary.json', new TextEncoder().encode('{}'));
    assert.deepEqual(await store.get('projects/p/runs/r/models/serving w0001.onnx'), bytes);
    await store.download('projects/p/runs/r/checkpoint/state.json', join(dir, 'restore', 'state.json'));
    assert.equal(await readFile(join(dir, 'restore', 'state.json'), 'utf8'), '{"nextWindow":3}');
    assert.equal(await store.deletePrefix('projects/p/runs/r/'), 2);
    await assert.rejects(store.get('projects/p/runs/r/checkpoint/state.json'), /HTTP 404/);
    assert.deepEqual(JSON.parse((await store.get('projects/p/runs/other/summary.json')).toString()), {});
    const wrong = createArtifactStore({ ...env, S3_ACCESS_KEY_ID: 'NOT-A-KEY' });
    await assert.rejects(wrong.putBytes('x', new Uint8Array([1])), /HTTP 403.*InvalidAccessKeyId/s);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('s3 store: run folders listed with a delimiter, objects with their dates; the orphan sweep removes a deleted run', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dp-s3-'));
  // the stand-in lists by delimiter as S3 does (s3rver alone misses deeper folders: testing/s3-standin.ts)
  const server = await startS3Standin({ directory: join(dir, 'data'), buckets: ['artifacts'] });
  const { port } = server;
  try {
    const env = { ARTIFACT_STORE: 's3://artifacts/dp', S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };
    const store = createArtifactStore(env);
    const [p1, p2, live, gone] = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'];
    const bytes = new TextEncoder().encode('x');
    for (const k of [`projects/${p1}/runs/${live}/a.onnx`, `projects/${p1}/runs/${live}/checkpoints/w000001/s.json`, `projects/${p1}/runs/${gone}/a.onnx`, `projects/${p2}/runs/${gone}/b & <c>.json`])
      await store.putBytes(k, bytes);
    // outside the store's prefix, and not under projects/: never listed
    await createArtifactStore({ ...env, ARTIFACT_STORE: 's3://artifacts/other' }).putBytes(`projects/${p1}/runs/${gone}/keep.onnx`, bytes);
    const folders = (await store.listRunPrefixes()).map((f) => `${f.projectId}/${f.runId}:${f.prefix}`).sort();
    assert.deepEqual(folders, [
      `${p1}/${live}:projects/${p1}/runs/${live}`,
      `${p1}/${gone}:projects/${p1}/runs/${gone}`,
      `${p2}/${gone}:projects/${p2}/runs/${gone}`,
    ].sort());
    const listed = await store.list(`projects/${p2}/runs/${gone}`);
    assert.deepEqual(listed.map((o) => [o.key, o.sizeBytes]), [[`projects/${p2}/runs/${gone}/b & <c>.json`, 1]]);
    assert.ok(Math.abs(listed[0].modifiedAt.getTime() - Date.now()) < 60_000, String(listed[0].modifiedAt));
    // just written: deferred; seen from 11 minutes later: swept
    const exists = async (ids: string[]) => new Set(ids.filter((id) => id === live));
    assert.deepEqual((await sweepOrphanRunFolders(store, exists)).deferred.length, 2);
    const r = await sweepOrphanRunFolders(store, exists, { now: new Date(Date.now() + 11 * 60_000) });
    assert.deepEqual(r.swept.map((s) => s.objects), [1, 1]);
    assert.deepEqual((await store.listRunPrefixes()).map((f) => f.runId), [live]);
    assert.equal((await store.list(`projects/${p1}/runs/${live}`)).length, 2);
    assert.deepEqual((await createArtifactStore({ ...env, ARTIFACT_STORE: 's3://artifacts/other' }).listRunPrefixes()).map((f) => f.runId), [gone]);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('s3 store: a file above 16 MiB goes up in parts and comes back streamed, same sha256; head, ensureReady', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dp-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(dir, 'data'), configureBuckets: [{ name: 'artifacts', configs: [] }] });
  const { port } = await server.run();
  try {
    const env = { ARTIFACT_STORE: 's3://fresh-bucket/dp', S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };
    const store = createArtifactStore(env);
    // the bucket does not exist yet: setup creates it, twice is fine
    await assert.rejects(store.putBytes('x', new Uint8Array([1])), /HTTP 404/);
    await store.ensureReady();
    await store.ensureReady();
    const src = join(dir, 'big.csv');
    // 17 MiB + a tail: three parts (8, 8, 1+) of varying content
    const bytes = Buffer.alloc(17 * 2 ** 20 + 123);
    for (let i = 0; i + 4 <= bytes.length; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
    await writeFile(src, bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const put = await store.putFile('projects/p/datasets/' + sha, src);
    assert.deepEqual(put, { key: 'projects/p/datasets/' + sha, sha256: sha, sizeBytes: bytes.length });
    assert.deepEqual(await store.head('projects/p/datasets/' + sha), { sizeBytes: bytes.length });
    assert.equal(await store.head('projects/p/datasets/missing'), null);
    const back = await store.download('projects/p/datasets/' + sha, join(dir, 'back', 'big.csv'));
    assert.deepEqual(back, { sha256: sha, sizeBytes: bytes.length });
    assert.ok((await readFile(join(dir, 'back', 'big.csv'))).equals(bytes));
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
