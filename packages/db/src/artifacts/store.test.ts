import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArtifactStore, DirectoryStore } from './store.js';
import { signV4 } from './s3.js';

test('directory store records sha256 and size, downloads and deletes a prefix', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'dp-store-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const store = createArtifactStore({ ARTIFACT_STORE: `file:${root}`, S3_REGION: 'us-east-1' });
  assert.ok(store instanceof DirectoryStore);
  const src = join(root, 'src.bin');
  const bytes = Buffer.from('driftprune checkpoint bytes');
  await writeFile(src, bytes);
  const put = await store.putFile('runs/r1/ckpt/w3.bin', src);
  assert.equal(put.sizeBytes, bytes.length);
  assert.equal(put.sha256, createHash('sha256').update(bytes).digest('hex'));
  await store.putBytes('runs/r1/model.onnx', new Uint8Array([1, 2, 3]));
  await store.download('runs/r1/ckpt/w3.bin', join(root, 'out', 'copy.bin'));
  assert.deepEqual(await readFile(join(root, 'out', 'copy.bin')), bytes);
  assert.equal(await store.deletePrefix('runs/r1'), 2);
  assert.equal(existsSync(join(root, 'runs', 'r1')), false);
  await assert.rejects(store.putBytes('../escape', new Uint8Array([0])), /invalid artifact key/);
});

test('s3 store needs credentials', () => {
  assert.throws(() => createArtifactStore({ ARTIFACT_STORE: 's3://bucket/x', S3_REGION: 'us-east-1' }), /S3_ACCESS_KEY_ID/);
});

test('SigV4 matches the AWS S3 documentation example (GET Object with Range)', () => {
  // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example: GET Object"
  const auth = signV4({
    method: 'GET',
    host: 'examplebucket.s3.amazonaws.com',
    path: '/test.txt',
    headers: { range: 'bytes=0-9', 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'x-amz-date': '20130524T000000Z' },
    payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    amzDate: '20130524T000000Z',
    region: 'us-east-1',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  });
  assert.equal(
    auth,
    'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  );
});

test('directory store lists a prefix while its files and folders are being replaced (no ENOENT from a vanished file)', async (t) => {
  // what the orphan test caught under load: a worker replacing its checkpoint folder while the store listed the run
  const root = await mkdtemp(join(tmpdir(), 'dp-store-race-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const store = new DirectoryStore(root);
  const prefix = 'projects/p/runs/r';
  const dir = (w: number) => join(root, prefix, 'checkpoints', `w${String(w).padStart(6, '0')}`, 'checkpoint');
  const { mkdir } = await import('node:fs/promises');
  let stop = false;
  await mkdir(dir(0), { recursive: true });
  const writer = (async () => {
    for (let w = 1; !stop; w++) {
      await mkdir(dir(w), { recursive: true });
      await Promise.all(Array.from({ length: 200 }, (_, i) => writeFile(join(dir(w), `f${i}.ckpt`), 'x'.repeat(100))));
      await rm(join(root, prefix, 'checkpoints', `w${String(w - 1).padStart(6, '0')}`), { recursive: true, force: true });
    }
  })();
  let lists = 0;
  try {
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      const objects = await store.list(prefix);
      for (const o of objects) assert.ok(o.key.startsWith(`${prefix}/checkpoints/`) && o.sizeBytes <= 100, JSON.stringify(o)); // a file being written may read short
      lists++;
      await new Promise((r) => setImmediate(r)); // the writer's I/O gets its turn even when a listing finds nothing
    }
  } finally {
    stop = true;
    await writer;
  }
  assert.ok(lists > 10, `listed ${lists} times`);
});
