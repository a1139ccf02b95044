// Datasets end to end on the real API, Postgres, Redis and a worker process: `driftprune dataset push` in small
// chunks, an upload resumed after its connection broke midway, the upload's guards (offset, size, sha256, roles),
// runs that reference the dataset by id and read it from the worker's cache (one fetch for two runs), another
// project's id refused, deletion removing the stored object.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { startHarness, tinyConfig, waitFor, type Harness } from '@driftprune/api/testing';
import { pushDataset } from '@driftprune/datasets';

const bin = resolve(import.meta.dirname, '../apps/cli/bin/driftprune.mjs');
const mapping = { label: 'label', time: 'ts', categorical: ['user', 'item'] };

let h: Harness;
let csv: string;
let csvText: string;
const workerLog: string[] = [];
before(async () => {
  h = await startHarness('datasets', { WORKER_HEARTBEAT_MS: '300', DATASET_MAX_MB: '1' });
  const lines = ['label,ts,user,item'];
  for (let i = 0; i < 600; i++) lines.push(`${i % 4 === 0 ? 1 : 0},${1_700_000_000 + i * 300},u${i % 29},i${(i * 11) % 31}`);
  csvText = lines.join('\n') + '\n';
  await mkdir(join(h.tmp, 'client'), { recursive: true });
  csv = join(h.tmp, 'client', 'clicks.csv');
  await writeFile(csv, csvText);
});
after(async () => {
  await h?.close();
});

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const uploadUrl = (path: string) => new URL(path, h.api.url);

/**
 * A raw PUT of `body` at `offset`. With `cut`: only `cut.after` bytes are sent, and once `cut.when()` resolves the
 * connection is destroyed (a broken upload).
 */
function put(path: string, offset: number, body: Buffer, token = h.tokens.admin, cut?: { after: number; when: () => Promise<unknown> }): Promise<{ status: number; body: any } | 'reset'> {
  return new Promise((res) => {
    const req = request(uploadUrl(path), { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'upload-offset': String(offset), 'content-length': String(body.length) } });
    req.on('response', (r) => {
      let t = '';
      r.on('data', (d) => (t += d));
      r.on('end', () => res({ status: r.statusCode!, body: JSON.parse(t) }));
    });
    req.on('error', () => res('reset'));
    if (!cut) req.end(body);
    else req.write(body.subarray(0, cut.after), () => void cut.when().then(() => req.destroy()));
  });
}

/** The `reason` a coded error carries beside its code. */
const reason = (r: { errors?: { extensions?: object }[] }) => (r.errors?.[0].extensions as { reason?: string } | undefined)?.reason;

const BEGIN = 'mutation($i: BeginDatasetUploadInput!) { beginDatasetUpload(input: $i) { id status receivedBytes uploadPath } }';

test('dataset push: chunks, sha256 and stats; the dataset page data is there', async () => {
  const logs: string[] = [];
  const d = await pushDataset({ api: h.api.url, token: h.tokens.editor, projectId: h.projectId, file: csv, name: 'clicks', kind: 'csv', mapping, chunkBytes: 2048, log: (m) => logs.push(m) });
  assert.equal(d.status, 'ready');
  assert.equal(d.sha256, sha(csvText));
  assert.equal(d.sizeBytes, Buffer.byteLength(csvText));
  assert.ok(logs.filter((l) => / bytes$/.test(l)).length >= Math.floor(csvText.length / 2048), 'several chunks');
  const q = await h.gql('query($p: ID!) { datasets(projectId: $p) { name status storage fileName sha256 sizeBytes statsWindow stats } }', { p: h.projectId }, h.tokens.viewer);
  const row = q.data.datasets.find((x: { name: string }) => x.name === 'clicks');
  assert.equal(row.storage, 'store');
  assert.equal(row.fileName, 'clicks.csv');
  assert.equal(row.statsWindow, 'day');
  assert.equal(row.stats.totals.rows, 600);
  // 600 rows five minutes apart: 50 hours → 3 days (UTC)
  assert.equal(row.stats.totals.windows, row.stats.windows.length);
  assert.ok(row.stats.totals.windows >= 2 && row.stats.totals.windows <= 4, JSON.stringify(row.stats.totals));
  assert.equal(row.stats.windows.reduce((n: number, w: { rows: number }) => n + w.rows, 0), 600);
  assert.ok(Math.abs(row.stats.totals.labelRate - 0.25) < 1e-9);
  // content-addressed in the project's folder of the store
  const stored = join(h.tmp, 'artifacts', 'projects', h.projectId, 'datasets', d.sha256!);
  assert.ok(existsSync(stored));
});

test('an upload broken midway resumes where the server got to; the same push command finishes it', async () => {
  const text = csvText.replace(/u1,/g, 'u01,');
  const file = join(h.tmp, 'client', 'resume.csv');
  await writeFile(file, text);
  const bytes = Buffer.from(text);
  const b = await h.gql(BEGIN, { i: { projectId: h.projectId, name: 'resumed', kind: 'csv', mapping, fileName: 'resume.csv', sizeBytes: bytes.length, sha256: sha(bytes) } });
  assert.equal(b.errors, undefined, JSON.stringify(b.errors));
  const { id, uploadPath } = b.data.beginDatasetUpload;
  const first = await put(uploadPath, 0, bytes.subarray(0, 3000));
  assert.deepEqual(first, { status: 200, body: { receivedBytes: 3000 } });
  // the connection dies 1,000 bytes into the next chunk, once the server has written them
  const received = async () => (await h.gql('query($id: ID!) { dataset(id: $id) { receivedBytes } }', { id })).data.dataset.receivedBytes as number;
  const arrived = () => waitFor('the server to write the first bytes of the chunk', async () => ((await received()) > 3000 ? true : null), 30_000, 50);
  assert.equal(await put(uploadPath, 3000, bytes.subarray(3000, 9000), h.tokens.admin, { after: 1000, when: arrived }), 'reset');
  const got = await received();
  assert.equal(got, 4000, 'what arrived before the break is kept, nothing more');
  // a chunk at the wrong offset: 409 with where to resume
  const wrong = await put(uploadPath, 0, bytes.subarray(0, 10));
  assert.ok(wrong !== 'reset' && wrong.status === 409 && wrong.body.code === 'UPLOAD_OFFSET_MISMATCH' && wrong.body.receivedBytes === got, JSON.stringify(wrong));
  // the CLI, run again with the same file, resumes and completes
  const out = await new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
    const child = spawn(process.execPath, [bin, 'dataset', 'push', file, '--name', 'resumed', '--kind', 'csv', '--mapping', JSON.stringify(mapping), '--project', h.projectId, '--api', h.api.url, '--token', h.tokens.admin, '--chunk-mb', '0.002'], { env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
  });
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stderr, new RegExp(`resuming at byte ${got} of ${bytes.length}`));
  const json = JSON.parse(out.stdout);
  assert.deepEqual([json.id, json.status, json.sha256, json.rows], [id, 'ready', sha(bytes), 600]);
  assert.deepEqual(await readdir(h.env.UPLOAD_DIR).catch(() => []), [], 'staging removed');
});

test('upload guards: size limit, bytes past the declared size, a wrong sha256, roles, content the sources reject', async () => {
  const bytes = Buffer.from(csvText);
  // DATASET_MAX_MB=1 here
  const big = await h.gql(BEGIN, { i: { projectId: h.projectId, name: 'big', kind: 'csv', mapping, fileName: 'big.csv', sizeBytes: 2 * 2 ** 20, sha256: sha('x') } });
  assert.equal(big.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
  assert.match(big.errors![0].message, /limit is 1048576 bytes/);
  const viewer = await h.gql(BEGIN, { i: { projectId: h.projectId, name: 'v', kind: 'csv', mapping, fileName: 'v.csv', sizeBytes: 10, sha256: sha('x') } }, h.tokens.viewer);
  assert.equal(viewer.errors?.[0].extensions?.code, 'FORBIDDEN');
  const movielens = await h.gql(BEGIN, { i: { projectId: h.projectId, name: 'ml', kind: 'movielens', fileName: 'u.data', sizeBytes: 10, sha256: sha('x') } });
  assert.match(movielens.errors![0].message, /kind must be one of csv, criteo, avazu/);

  // a declared sha256 the bytes do not have: refused at completion, bytes dropped, upload restartable from 0
  const b = await h.gql(BEGIN, { i: { projectId: h.projectId, name: 'liar', kind: 'csv', mapping, fileName: 'liar.csv', sizeBytes: bytes.length, sha256: sha('something else') } });
  const { id, uploadPath } = b.data.beginDatasetUpload;
  const outsider = await put(uploadPath, 0, bytes, h.tokens.outsider);
  assert.ok(outsider !== 'reset' && outsider.status === 404, JSON.stringify(outsider));
  const asViewer = await put(uploadPath, 0, bytes, h.tokens.viewer);
  assert.ok(asViewer !== 'reset' && asViewer.status === 403);
  const past = await put(uploadPath, 0, Buffer.concat([bytes, Buffer.from('extra')]));
  assert.ok(past !== 'reset' && past.status === 413 && past.body.receivedBytes === 0, JSON.stringify(past));
  assert.deepEqual(await put(uploadPath, 0, bytes), { status: 200, body: { receivedBytes: bytes.length } });
  const done = await h.gql('mutation($id: ID!) { completeDatasetUpload(id: $id) { id } }', { id });
  assert.equal(reason(done), 'UPLOAD_HASH_MISMATCH');
  const after = await h.gql('query($id: ID!) { dataset(id: $id) { status receivedBytes } }', { id });
  assert.deepEqual(after.data.dataset, { status: 'uploading', receivedBytes: 0 });

  // a csv whose mapping names a missing column: the sources reject it at completion; nothing is kept
  const c = await h.gql(BEGIN, { i: { projectId: h.projectId, name: 'badmap', kind: 'csv', mapping: { ...mapping, label: 'clicked' }, fileName: 'bad.csv', sizeBytes: bytes.length, sha256: sha(bytes) } });
  const bad = c.data.beginDatasetUpload;
  await put(bad.uploadPath, 0, bytes);
  const rejected = await h.gql('mutation($id: ID!) { completeDatasetUpload(id: $id) { id } }', { id: bad.id });
  assert.equal(reason(rejected), 'BAD_HEADER');
  assert.match(rejected.errors![0].message, /no column 'clicked'/);
  assert.ok(!rejected.errors![0].message.includes(h.tmp), rejected.errors![0].message);
  assert.equal((await h.gql('query($id: ID!) { dataset(id: $id) { id } }', { id: bad.id })).data.dataset, null);
});

test('runs reference the dataset by id: one fetch into the worker cache serves two runs; other projects cannot use it', async () => {
  const d = (await h.gql('query($p: ID!) { datasets(projectId: $p) { id name sha256 } }', { p: h.projectId })).data.datasets.find((x: { name: string }) => x.name === 'clicks');
  const worker = h.spawnWorker({ DATA_ROOTS: join(h.tmp, 'no-roots-needed'), WORKER_DIR: join(h.tmp, 'worker-a') });
  worker.stdout!.on('data', (b) => workerLog.push(String(b)));
  const config = { ...tinyConfig(), data: { source: 'csv', dataset: d.id, window: 'rows:150', batchSize: 50, hashSize: 64 }, paradigm: { kind: 'dense', warmupWindows: 1 } };
  const exp = await h.createExperiment('on the dataset', config);
  const stored = await h.gql('query($id: ID!) { experiment(id: $id) { config } }', { id: exp });
  assert.deepEqual(stored.data.experiment.config.data.csv.categorical, ['user', 'item'], 'csv mapping taken from the dataset');
  const runs = [await h.submitRun(exp), await h.submitRun(exp, { seed: 2 })];
  for (const id of runs) {
    const r = await waitFor(`run ${id}`, async () => {
      const q = await h.gql('query($id: ID!) { run(id: $id) { status error metrics { totalPoints } } }', { id });
      return ['succeeded', 'failed'].includes(q.data.run.status) ? q.data.run : null;
    }, 180_000, 250);
    assert.equal(r.status, 'succeeded', r.error);
    assert.equal(r.metrics.totalPoints, 4, 'four windows of 150 rows, dense model');
  }
  const fetched = workerLog.join('').match(/dataset cache: fetched dataset 'clicks'/g) ?? [];
  assert.equal(fetched.length, 1, workerLog.join(''));
  assert.ok(existsSync(join(h.tmp, 'worker-a', 'datasets', d.sha256, 'clicks.csv')));

  // the other project cannot reference it, by experiment or by run config
  const foreign = await h.gql('mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }', { i: { projectId: h.otherProjectId, name: 'steal', config } }, h.tokens.outsider);
  assert.equal(foreign.errors?.[0].extensions?.code, 'NOT_FOUND');
  const mismatch = await h.gql('mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }', { i: { projectId: h.projectId, name: 'kind', config: { ...config, data: { ...config.data, source: 'criteo' } } } });
  assert.match(mismatch.errors![0].message, /holds csv data but data.source is criteo/);
  const both = await h.gql('mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }', { i: { projectId: h.projectId, name: 'both', config: { ...config, data: { ...config.data, path: 'x.csv' } } } });
  assert.match(JSON.stringify(both.errors), /give data.path or data.dataset, not both/);
});

test('deleteDataset removes the row and the stored object; runs can no longer be submitted on it', async () => {
  const bytes = Buffer.from(csvText.replace(/u2,/g, 'u02,'));
  const file = join(h.tmp, 'client', 'doomed.csv');
  await writeFile(file, bytes);
  const d = await pushDataset({ api: h.api.url, token: h.tokens.admin, projectId: h.projectId, file, name: 'doomed', kind: 'csv', mapping });
  const key = join(h.tmp, 'artifacts', 'projects', h.projectId, 'datasets', d.sha256!);
  assert.ok(existsSync(key));
  const exp = await h.createExperiment('doomed run', { ...tinyConfig(), data: { source: 'csv', dataset: d.id, window: 'rows:150', batchSize: 50, hashSize: 64 }, paradigm: { kind: 'dense', warmupWindows: 1 } });
  const del = await h.gql('mutation($id: ID!) { deleteDataset(id: $id) }', { id: d.id });
  assert.equal(del.data.deleteDataset, d.id);
  assert.ok(!existsSync(key));
  const sub = await h.gql('mutation($i: SubmitRunInput!) { submitRun(input: $i) { id } }', { i: { experimentId: exp } });
  assert.equal(sub.errors?.[0].extensions?.code, 'NOT_FOUND', 'checked at submit');
});
