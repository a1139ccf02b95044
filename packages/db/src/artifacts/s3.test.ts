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
