// Worker operations for a fleet (issue 16.3): resource labels route runs only to workers that carry them; one
// worker's run budget (WORKER_CONCURRENCY) holds across the queues it consumes; a drained worker (SIGUSR2) finishes
// its run, takes no new one, shows as draining and then stops; /metrics reports queue depth and age, workers and
// run slots in Prometheus' text format. Real Postgres, Redis, API and worker processes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { startHarness, tinyConfig, waitFor, within, type Harness } from '@driftprune/api/testing';

const METRICS_TOKEN = 'fleet-test-metrics-token-0123456789';
let h: Harness;
before(async () => {
  h = await startHarness('fleet_ops', { WORKER_HEARTBEAT_MS: '300', WORKER_LOCK_MS: '3000', WORKER_RECONCILE_GRACE_MS: '5000', METRICS_TOKEN });
});
after(async () => {
  await h?.close();
});

const WORKERS_QUERY = `{ workers { id alive labels queues draining drainingSince busy concurrency activeRuns load { load1 cpus memTotalMb memFreeMb rssMb } } }`;
interface WorkerView {
  id: string;
  alive: boolean;
  labels: string[];
  queues: string[];
  draining: boolean;
  drainingSince: string | null;
  busy: number;
  concurrency: number;
  activeRuns: string[];
  load: { load1: number; cpus: number; memTotalMb: number; memFreeMb: number; rssMb: number } | null;
}
async function workers(): Promise<WorkerView[]> {
  const r = await h.gql<{ workers: WorkerView[] }>(WORKERS_QUERY);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data!.workers;
}

const runRow = async (id: string) => (await h.db.run.findUnique({ where: { id } }))!;
const finished = (id: string, ms = 120_000) =>
  waitFor(`run ${id} to finish`, async () => {
    const r = await runRow(id);
    return ['succeeded', 'failed', 'cancelled'].includes(r.status) ? r : null;
  }, ms, 100);

async function submit(name: string, config: ReturnType<typeof tinyConfig> & { engine?: unknown }): Promise<string> {
  return h.submitRun(await h.createExperiment(name, config));
}
const labelled = (labels: string[], over: Parameters<typeof tinyConfig>[0] = {}) => ({ ...tinyConfig(over), engine: { device: 'cpu', labels } });

async function stopWorker(w: ChildProcess): Promise<void> {
  if (w.exitCode !== null || w.signalCode !== null) return;
  const exited = new Promise((r) => w.once('exit', r));
  w.kill('SIGTERM');
  await within(exited, 60_000, 'the worker to exit');
}

async function scrape(token: string | null = METRICS_TOKEN): Promise<{ status: number; text: string }> {
  const res = await fetch(h.api.url.replace(/\/graphql$/, '/metrics'), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, text: await res.text() };
}
function gauge(text: string, name: string, labels: Record<string, string> = {}): number | null {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m && m[1] === name && (m[2] ?? '') === want) return Number(m[3]);
  }
  return null;
}

test('labels: a run asking for mem-large goes only to the worker that carries it; an unlabelled run may go anywhere; a label nobody carries waits, visible in /metrics', async () => {
  const plain = h.spawnWorker({ WORKER_LABELS: '' });
  const large = h.spawnWorker({ WORKER_LABELS: 'mem-large,ssd' });
  try {
    const both = await waitFor('both workers alive with their labels', async () => {
      const ws = (await workers()).filter((w) => w.alive && w.load);
      return ws.length === 2 ? ws : null;
    }, 90_000, 200);
    const largeView = both.find((w) => w.labels.includes('mem-large'))!;
    const plainView = both.find((w) => !w.labels.includes('mem-large'))!;
    assert.ok(largeView && plainView, JSON.stringify(both));
    assert.deepEqual(largeView.labels, ['cpu', 'mem-large', 'ssd']);
    assert.deepEqual(plainView.labels, ['cpu']);
    assert.ok(largeView.load!.cpus >= 1 && largeView.load!.memTotalMb > 0 && largeView.load!.rssMb > 0);
    assert.equal(largeView.draining, false);

    const wantsLarge = await Promise.all([0, 1, 2].map((i) => submit(`large ${i}`, labelled(['mem-large'], { seed: i + 1 }))));
    const wantsBoth = await submit('large and ssd', labelled(['ssd', 'mem-large'], { seed: 9 }));
    const anywhere = await Promise.all([0, 1, 2].map((i) => submit(`anywhere ${i}`, { ...tinyConfig({ seed: 20 + i }) })));
    const nobody = await submit('nobody has gpu-x', labelled(['gpu-x']));

    for (const id of [...wantsLarge, wantsBoth, ...anywhere]) assert.equal((await finished(id)).status, 'succeeded', id);
    for (const id of [...wantsLarge, wantsBoth]) assert.equal((await runRow(id)).workerId, largeView.id, `run ${id} ran on the mem-large worker`);
    // the labelled worker now also consumes the labelled queues, the plain one never does
    const after = await workers();
    assert.deepEqual(after.find((w) => w.id === plainView.id)!.queues, ['runs-cpu']);
    assert.deepEqual(after.find((w) => w.id === largeView.id)!.queues.sort(), ['runs-cpu', 'runs-cpu+mem-large', 'runs-cpu+mem-large+ssd']);

    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal((await runRow(nobody)).status, 'queued', 'no worker carries gpu-x');
    assert.equal((await scrape(null)).status, 401, 'METRICS_TOKEN is required');
    assert.equal((await scrape('wrong-token-wrong-token-wrong')).status, 401);
    const m = await scrape();
    assert.equal(m.status, 200);
    assert.match(m.text, /^# TYPE driftprune_queue_depth gauge$/m);
    assert.equal(gauge(m.text, 'driftprune_queue_depth', { queue: 'runs-cpu+gpu-x' }), 1);
    assert.ok(gauge(m.text, 'driftprune_queue_oldest_job_age_seconds', { queue: 'runs-cpu+gpu-x' })! >= 1.5);
    assert.equal(gauge(m.text, 'driftprune_queue_depth', { queue: 'runs-cpu' }), 0);
    assert.equal(gauge(m.text, 'driftprune_queue_oldest_job_age_seconds', { queue: 'runs-cpu' }), 0);
    assert.equal(gauge(m.text, 'driftprune_queue_jobs', { queue: 'runs-cpu+mem-large', state: 'completed' }), 3);
    assert.equal(gauge(m.text, 'driftprune_runs', { status: 'succeeded' }), 7);
    assert.equal(gauge(m.text, 'driftprune_runs', { status: 'queued' }), 1);
    assert.equal(gauge(m.text, 'driftprune_workers', { state: 'serving' }), 2);
    assert.equal(gauge(m.text, 'driftprune_worker_slots', { state: 'total' }), 2);
    assert.ok(gauge(m.text, 'driftprune_redis_used_memory_bytes')! > 0);

    const cancel = await h.gql(`mutation($id: ID!) { cancelRun(id: $id) { status } }`, { id: nobody });
    assert.equal(cancel.errors, undefined, JSON.stringify(cancel.errors));
    assert.equal(gauge((await scrape()).text, 'driftprune_queue_depth', { queue: 'runs-cpu+gpu-x' }), 0, 'the cancelled run left its labelled queue');
  } finally {
    await Promise.all([stopWorker(plain), stopWorker(large)]);
  }
  const gone = (await workers()).filter((w) => w.alive);
  assert.deepEqual(gone, [], 'stopped workers are not alive');
});

test('one budget over several queues: a worker with WORKER_CONCURRENCY=1 never runs a labelled and an unlabelled run at once', async () => {
  const w = h.spawnWorker({ WORKER_LABELS: 'mem-large', WORKER_CONCURRENCY: '1' });
  try {
    const ids = [
      ...(await Promise.all([0, 1].map((i) => submit(`budget large ${i}`, labelled(['mem-large'], { windows: 4, rows: 800, seed: 40 + i }))))),
      ...(await Promise.all([0, 1].map((i) => submit(`budget plain ${i}`, tinyConfig({ windows: 4, rows: 800, seed: 50 + i }))))),
    ];
    let most = 0;
    const poll = setInterval(() => {
      void workers().then((ws) => (most = Math.max(most, ...ws.map((x) => x.busy))), () => undefined);
    }, 100);
    const rows = await Promise.all(ids.map((id) => finished(id)));
    clearInterval(poll);
    for (const r of rows) assert.equal(r.status, 'succeeded', r.error ?? '');
    const spans = rows.map((r) => [r.startedAt!.getTime(), r.finishedAt!.getTime()] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1], `run ${i} started before run ${i - 1} finished: ${JSON.stringify(spans)}`);
    assert.equal(most, 1, 'the worker reported at most one run in progress');
    for (const r of rows) assert.equal(r.attempts, 1, 'a job handed back over the budget used no attempt');
  } finally {
    await stopWorker(w);
  }
});

test('drain (SIGUSR2): the run in progress finishes on the draining worker, a new run waits, the worker shows draining and then exits; the next worker takes the waiting run', async () => {
  const first = h.spawnWorker({ WORKER_CONCURRENCY: '1' });
  const exited = new Promise<number | null>((r) => first.once('exit', (code) => r(code)));
  const long = await submit('long', tinyConfig({ windows: 14, rows: 1200, seed: 61 }));
  await waitFor('a checkpoint of the long run', async () => (await runRow(long)).checkpointWindow >= 1, 120_000, 50);
  first.kill('SIGUSR2');
  const view = await waitFor('the worker to show as draining', async () => (await workers()).find((w) => w.alive && w.draining), 30_000, 100);
  assert.ok(view.drainingSince);
  assert.deepEqual(view.activeRuns, [long]);
  assert.equal(gauge((await scrape()).text, 'driftprune_workers', { state: 'draining' }), 1);
  assert.equal(gauge((await scrape()).text, 'driftprune_worker_slots', { state: 'total' }), 0, 'a draining worker offers no slot');
  const next = await submit('after the drain', tinyConfig({ seed: 62 }));
  const code = await within(exited, 180_000, 'the drained worker to exit');
  assert.equal(code, 0);
  const done = await runRow(long);
  assert.equal(done.status, 'succeeded', done.error ?? '');
  assert.equal(done.attempts, 1, 'finished where it ran, not handed back');
  assert.equal((await runRow(next)).status, 'queued', 'the draining worker took no new run');
  const second = h.spawnWorker();
  try {
    assert.equal((await finished(next)).status, 'succeeded');
    assert.notEqual((await runRow(next)).workerId, done.workerId);
  } finally {
    await stopWorker(second);
  }
});

test('drain with a hand-back grace: a run still going after WORKER_DRAIN_GRACE_MS goes back to the queue and resumes on another worker', async () => {
  const first = h.spawnWorker({ WORKER_DRAIN_GRACE_MS: '500' });
  const exited = new Promise<number | null>((r) => first.once('exit', (code) => r(code)));
  const long = await submit('handed back', tinyConfig({ windows: 14, rows: 1200, seed: 71 }));
  await waitFor('a checkpoint of the run', async () => (await runRow(long)).checkpointWindow >= 1, 120_000, 50);
  first.kill('SIGUSR2');
  assert.equal(await within(exited, 60_000, 'the drained worker to exit'), 0);
  const handed = await runRow(long);
  assert.equal(handed.status, 'queued', 'handed back, not finished');
  const second = h.spawnWorker();
  try {
    const done = await finished(long);
    assert.equal(done.status, 'succeeded', done.error ?? '');
    const keys = (await h.db.windowMetric.findMany({ where: { runId: long } })).map((m) => `${m.window}:${m.model}`);
    assert.equal(new Set(keys).size, keys.length, 'one row per window and model');
    assert.equal(keys.length, 14 * 2 - 1);
  } finally {
    await stopWorker(second);
  }
});
