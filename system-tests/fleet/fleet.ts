// The fleet test's driver (npm run test:fleet → scripts/fleet/run.sh, which builds and starts the containers and
// passes their addresses in FLEET_*). Against the composed platform with three worker containers: uploads a dataset
// through the API, submits a sweep of 9 runs through GraphQL, `docker kill`s a worker container holding a run
// mid-run, restarts Redis (no persistence: every job is lost), then checks that every run succeeded, that each
// window's metrics exist exactly once, that every artifact downloads with its sha256, and that the store holds no
// file that is not an artifact or the last checkpoint of a run. Prints the measured numbers as one JSON line.
// Every wait is bounded; the script exits non-zero on the first failed check.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createArtifactStore, createDb } from '@driftprune/db';
import { pushDataset } from '@driftprune/datasets';

const run = promisify(execFile);
function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run npm run test:fleet)`);
  return v;
}
const API = need('FLEET_API_URL');
const TOKEN = need('FLEET_TOKEN');
const PROJECT = need('FLEET_PROJECT');
const DOCKER = need('FLEET_DOCKER');
const METRICS_TOKEN = need('METRICS_TOKEN');
const t0 = Date.now();
const say = (m: string) => console.log(`fleet driver [${((Date.now() - t0) / 1000).toFixed(0)}s]: ${m}`);

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${API}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(30_000) });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data!;
}
async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 1_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn().catch((e: Error) => (say(`${what}: ${e.message} (retrying)`), null));
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
const docker = async (...args: string[]) => (await run(DOCKER, args, { timeout: 120_000 })).stdout.trim();
const composeIds = async (service: string) =>
  (await docker('ps', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--filter', `label=com.docker.compose.service=${service}`)).split('\n').filter(Boolean);
async function metrics(): Promise<string> {
  const res = await fetch(`${API}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` }, signal: AbortSignal.timeout(30_000) });
  assert.equal(res.status, 200, 'GET /metrics');
  return res.text();
}
function gauge(text: string, name: string, labels = ''): number | null {
  const m = new RegExp(`^${name}${labels ? `\\{${labels.replace(/[+]/g, '\\+')}\\}` : ''} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

const WINDOWS = 8;
const ROWS_PER_WINDOW = 500;

// --- the platform answers; the demo project
await waitFor('the API', async () => (await fetch(`${API}/health`, { signal: AbortSignal.timeout(5_000) })).ok, 180_000);
const { projects } = await gql<{ projects: { id: string; slug: string }[] }>('{ projects { id slug } }');
const projectId = projects.find((p) => p.slug === 'demo')!.id;
const workersAtStart = await waitFor('three workers with a heartbeat', async () => {
  const { workers } = await gql<{ workers: { id: string; host: string; alive: boolean; labels: string[] }[] }>('{ workers { id host alive labels } }');
  const alive = workers.filter((w) => w.alive && w.labels.length);
  return alive.length === 3 ? alive : null;
}, 300_000);
assert.equal(new Set(workersAtStart.map((w) => w.host)).size, 3, 'three hosts (containers)');
say(`3 workers alive on hosts ${workersAtStart.map((w) => w.host).join(', ')}`);
const redisBefore = gauge(await metrics(), 'driftprune_redis_used_memory_bytes')!;

// --- a dataset, uploaded through the API into the store (the workers fetch it from there by hash)
const tmp = await mkdtemp(join(tmpdir(), 'dpfleet-'));
const lines = ['label,ts,user,item,price'];
for (let i = 0; i < WINDOWS * ROWS_PER_WINDOW; i++) lines.push(`${(i * 7919) % 5 === 0 ? 1 : 0},${1_700_000_000 + i * 60},u${(i * 31) % 97},i${(i * 17) % 89},${((i * 13) % 100) / 10}`);
const csv = join(tmp, 'clicks.csv');
await writeFile(csv, lines.join('\n') + '\n');
const tUpload = Date.now();
const dataset = await pushDataset({ api: `${API}/graphql`, token: TOKEN, projectId, file: csv, name: 'fleet clicks', kind: 'csv', mapping: { label: 'label', time: 'ts', dense: ['price'], categorical: ['user', 'item'] }, chunkBytes: 64 * 1024, log: () => undefined });
assert.equal(dataset.status, 'ready');
say(`dataset ${dataset.id} uploaded (${dataset.sizeBytes} bytes, sha256 ${dataset.sha256!.slice(0, 12)}…) in ${Date.now() - tUpload} ms`);

// --- a sweep of 9 runs on it
const base = {
  name: 'fleet',
  seed: 1,
  data: { source: 'csv', dataset: dataset.id, window: `rows:${ROWS_PER_WINDOW}`, batchSize: 100, hashSize: 256 },
  model: { embeddingDim: 4, bottomMlp: [16], topMlp: [16] },
  paradigm: { kind: 'd2s', warmupWindows: 1, r: 2 },
  pruning: { budget: 0.5 },
  evaluation: { serving: { batchSizes: [8], iterations: 3 } },
};
const { createExperiment } = await gql<{ createExperiment: { id: string } }>('mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }', { i: { projectId, name: 'fleet sweep', config: base } });
const sweepConfig = { name: 'fleet', method: 'grid', seeds: [1, 2, 3], parameters: { 'pruning.budget': { values: [0.25, 0.5, 0.75] } } };
const { submitSweep } = await gql<{ submitSweep: { id: string; total: number } }>('mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id total } }', { i: { experimentId: createExperiment.id, sweep: sweepConfig } });
const db = createDb({ url: need('FLEET_DATABASE_URL'), poolSize: 2 });
const runIds = (await db.run.findMany({ where: { sweepId: submitSweep.id }, select: { id: true } })).map((r) => r.id);
assert.equal(runIds.length, 9);
const tSweep = Date.now();
const redisQueued = gauge(await metrics(), 'driftprune_redis_used_memory_bytes')!;
say(`sweep ${submitSweep.id}: 9 runs submitted`);

try {
  // --- kill a worker container that holds a run with a checkpoint
  const victim = await waitFor('a worker holding a run past its first checkpoint', async () => {
    const rows = await db.run.findMany({ where: { id: { in: runIds }, status: 'running', checkpointWindow: { gte: 1, lt: WINDOWS - 2 } }, select: { id: true, workerId: true } });
    const w = rows.find((r) => r.workerId);
    if (!w) return null;
    const worker = await db.worker.findUnique({ where: { id: w.workerId! } });
    return worker ? { runId: w.id, host: worker.host, workerId: worker.id } : null;
  }, 600_000, 200);
  const containers = await composeIds('worker');
  const container = containers.find((c) => victim.host.startsWith(c.slice(0, 12)) || c.startsWith(victim.host));
  assert.ok(container, `the container of host ${victim.host} among ${containers.join(', ')}`);
  await docker('kill', container);
  const killedAt = Date.now();
  say(`docker kill ${container.slice(0, 12)} (worker ${victim.workerId}) while it ran ${victim.runId}`);

  // --- the killed run resumes elsewhere; then Redis restarts (no persistence: every job is lost)
  await waitFor('the killed run to run again on another worker', async () => {
    const r = await db.run.findUnique({ where: { id: victim.runId } });
    return r && r.workerId !== victim.workerId && (r.status === 'running' || r.status === 'succeeded') ? r : null;
  }, 600_000);
  const resumedMs = Date.now() - killedAt;
  say(`run ${victim.runId} taken by another worker ${resumedMs} ms after the kill`);
  const [redis] = await composeIds('redis');
  await waitFor('a run still queued or running for the Redis restart', async () => (await db.run.count({ where: { id: { in: runIds }, status: { in: ['queued', 'running'] } } })) >= 2, 5_000, 200).catch(() => say('fewer than 2 runs left before the Redis restart'));
  await docker('restart', '-t', '2', redis!);
  say('redis restarted');

  // --- every run finishes
  const done = await waitFor('every run to finish', async () => {
    const rows = await db.run.findMany({ where: { id: { in: runIds } } });
    return rows.every((r) => ['succeeded', 'failed', 'cancelled'].includes(r.status)) ? rows : null;
  }, 1_500_000, 2_000);
  const sweepMs = Date.now() - tSweep;
  for (const r of done) assert.equal(r.status, 'succeeded', `run ${r.id}: ${r.status} ${r.error ?? ''}`);
  say(`9 runs succeeded in ${sweepMs} ms (attempts ${done.map((r) => r.attempts).join(',')})`);

  // --- each window's metrics exactly once (d2s with one warm-up window: dense on every window, serving on the rest)
  const rows = await db.windowMetric.findMany({ where: { runId: { in: runIds } }, select: { runId: true, window: true, model: true } });
  const keys = rows.map((m) => `${m.runId}:${m.window}:${m.model}`);
  assert.equal(new Set(keys).size, keys.length, 'no window metric twice');
  for (const id of runIds) {
    const mine = rows.filter((m) => m.runId === id);
    assert.deepEqual([...new Set(mine.filter((m) => m.model === 'dense').map((m) => m.window))].sort((a, b) => a - b), [...Array(WINDOWS).keys()], `run ${id}: dense metrics of every window`);
    assert.equal(mine.length, 2 * WINDOWS - 1, `run ${id}: ${mine.length} metric rows`);
  }

  // --- artifacts download with their sha256; the store holds nothing else but the runs' last checkpoints
  const artifacts = await db.artifact.findMany({ where: { runId: { in: runIds } } });
  assert.ok(artifacts.length >= 9, 'artifacts stored');
  let bytes = 0;
  const tDownload = Date.now();
  for (const a of artifacts) {
    const res = await fetch(`${API}/artifacts/${a.id}`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(60_000) });
    assert.equal(res.status, 200, `artifact ${a.name}`);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(createHash('sha256').update(body).digest('hex'), a.sha256, `artifact ${a.name} sha256`);
    bytes += body.length;
  }
  const downloadMs = Date.now() - tDownload;
  const store = createArtifactStore({ ARTIFACT_STORE: 's3://driftprune/artifacts', S3_ENDPOINT: need('FLEET_S3_ENDPOINT'), S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' });
  const listed = await store.list(`projects/${projectId}/runs`);
  const artifactKeys = new Set(artifacts.map((a) => a.key));
  const orphans = listed.filter((o) => !artifactKeys.has(o.key) && !/\/checkpoints?\//.test(o.key));
  assert.deepEqual(orphans.map((o) => o.key), [], 'no file in the store that is not an artifact or a checkpoint');
  const runFolders = new Set(listed.map((o) => /runs\/([^/]+)\//.exec(o.key)?.[1]));
  for (const f of runFolders) assert.ok(f && runIds.includes(f), `store folder of an unknown run: ${f}`);
  for (const id of runIds) {
    const windows = new Set(listed.filter((o) => o.key.includes(`runs/${id}/`) && /\/checkpoints?\//.test(o.key)).map((o) => /checkpoints?\/(w\d+)/.exec(o.key)?.[1]));
    assert.ok(windows.size <= 1, `run ${id}: checkpoints of one window only, not ${[...windows].join(', ')}`);
  }

  // --- what an autoscaler would see now
  const m = await metrics();
  assert.equal(gauge(m, 'driftprune_queue_depth', 'queue="runs-cpu"'), 0);
  assert.equal(gauge(m, 'driftprune_workers', 'state="serving"'), 2, 'two workers left after the kill');
  const metricRows = rows.length;
  console.log(
    `FLEET_RESULT ${JSON.stringify({
      runs: runIds.length,
      sweepSeconds: sweepMs / 1000,
      killedRunResumedSeconds: resumedMs / 1000,
      attempts: done.map((r) => r.attempts),
      windowMetricRows: metricRows,
      windowMetricRowsPerSecond: Math.round((metricRows / (sweepMs / 1000)) * 100) / 100,
      artifacts: artifacts.length,
      artifactBytes: bytes,
      artifactDownloadMBps: Math.round((bytes / 2 ** 20 / (downloadMs / 1000)) * 100) / 100,
      storeObjects: listed.length,
      storeBytes: listed.reduce((s, o) => s + o.sizeBytes, 0),
      redisBytesBefore: redisBefore,
      redisBytesPerQueuedJob: Math.round((redisQueued - redisBefore) / 9),
      datasetBytes: dataset.sizeBytes,
    })}`,
  );
  say('all checks passed');
} finally {
  await db.$disconnect();
  await rm(tmp, { recursive: true, force: true });
}
