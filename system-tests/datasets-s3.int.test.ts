// Datasets on an S3 store (an s3rver stand-in): a push lands in the bucket; an s3:// object under a data root is
// registered by pointing at it (hashed and measured by the API) and a worker run reads it through its cache;
// objects outside the s3 roots, and the store's own prefix, cannot be registered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@driftprune/db';
import { startS3Standin, type S3Standin } from '@driftprune/db/testing/s3-standin';
import { startHarness, tinyConfig, waitFor, type Harness } from '@driftprune/api/testing';
import { pushDataset } from '@driftprune/datasets';

const mapping = { label: 'label', time: 'ts', categorical: ['user', 'item'] };
let h: Harness;
let s3: S3Standin;
let s3dir: string;
let client: S3Client;
let csvText: string;
before(async () => {
  s3dir = await mkdtemp(join(tmpdir(), 'dp-s3ds-'));
  s3 = await startS3Standin({ directory: s3dir, buckets: ['store', 'lake'] });
  const s3env = { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };
  h = await startHarness('datasets_s3', { ...s3env, ARTIFACT_STORE: 's3://store/dp', DATA_ROOTS: 's3://lake/shared', WORKER_HEARTBEAT_MS: '300' });
  client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
  const lines = ['label,ts,user,item'];
  for (let i = 0; i < 450; i++) lines.push(`${i % 5 === 0 ? 1 : 0},${1_700_000_000 + i * 600},u${i % 13},i${(i * 7) % 19}`);
  csvText = lines.join('\n') + '\n';
  await client.putObject('lake', 'shared/clicks.csv', Buffer.from(csvText));
  await client.putObject('lake', 'private/secret.csv', Buffer.from(csvText));
});
after(async () => {
  await h?.close();
  await s3?.close();
  await rm(s3dir, { recursive: true, force: true });
});

const REGISTER = 'mutation($i: RegisterS3DatasetInput!) { registerS3Dataset(input: $i) { id status storage location sha256 sizeBytes stats } }';

test('push into an S3 store: the object is in the bucket under the project', async () => {
  await mkdir(join(h.tmp, 'client'), { recursive: true });
  const file = join(h.tmp, 'client', 'up.csv');
  await writeFile(file, csvText.replace(/u1,/g, 'u001,'));
  const d = await pushDataset({ api: h.api.url, token: h.tokens.admin, projectId: h.projectId, file, name: 'pushed', kind: 'csv', mapping, chunkBytes: 4096 });
  assert.equal(d.status, 'ready');
  assert.deepEqual(await client.headObject('store', `dp/projects/${h.projectId}/datasets/${d.sha256}`), { size: d.sizeBytes });
});

test('an s3:// object under a data root is registered by pointing at it; a worker run reads it', async () => {
  const r = await h.gql(REGISTER, { i: { projectId: h.projectId, name: 'lake clicks', kind: 'csv', mapping, uri: 's3://lake/shared/clicks.csv' } });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const d = r.data.registerS3Dataset;
  assert.equal(d.status, 'ready');
  assert.equal(d.storage, 's3');
  assert.equal(d.location, 's3://lake/shared/clicks.csv');
  assert.equal(d.sha256, createHash('sha256').update(csvText).digest('hex'));
  assert.equal(d.stats.totals.rows, 450);

  for (const [uri, why] of [
    ['s3://lake/private/secret.csv', /outside the data roots/],
    ['s3://store/dp/projects/x/datasets/y', /outside the data roots/],
    ['s3://lake/shared/../private/secret.csv', /must be s3:\/\/bucket\/key/],
    ['s3://lake/shared/missing.csv', /no object at/],
  ] as const) {
    const bad = await h.gql(REGISTER, { i: { projectId: h.projectId, name: `bad ${uri}`, kind: 'csv', mapping, uri } });
    assert.match(bad.errors?.[0].message ?? '', why, uri);
  }

  h.spawnWorker({ WORKER_DIR: join(h.tmp, 'worker-s3') });
  const exp = await h.createExperiment('lake run', { ...tinyConfig(), data: { source: 'csv', dataset: d.id, window: 'rows:150', batchSize: 50, hashSize: 64 }, paradigm: { kind: 'dense', warmupWindows: 1 } });
  const runId = await h.submitRun(exp);
  const run = await waitFor('the run on the s3 dataset', async () => {
    const q = await h.gql('query($id: ID!) { run(id: $id) { status error metrics { totalPoints } artifacts { name } } }', { id: runId });
    return ['succeeded', 'failed'].includes(q.data.run.status) ? q.data.run : null;
  }, 180_000, 250);
  assert.equal(run.status, 'succeeded', run.error);
  assert.equal(run.metrics.totalPoints, 3);
});
