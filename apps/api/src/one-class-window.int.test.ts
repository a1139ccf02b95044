// A window that holds one label class, from the metric to the dashboard's queries: a real worker runs a CSV stream
// whose second day has a single negative row (like MovieLens-100K's 1997-11-04); that window's NE, AUC and
// calibration are stored as null with the reason, GraphQL returns them as null without an error (they were Float!
// and a stored NaN turned `run` into null), the summary leaves the window out of its headline figures, and a
// downsampled point over it keeps the mean of the windows that have one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startHarness, tinyConfig, waitFor, type Harness } from './testing/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness('oneclass', { WORKER_HEARTBEAT_MS: '300' });
  const dataRoot = join(h.tmp, 'data');
  await mkdir(dataRoot, { recursive: true });
  const day = 86_400;
  const t0 = 1_700_006_400; // a UTC midnight
  const lines = ['label,ts,user,item'];
  for (let i = 0; i < 240; i++) lines.push(`${i % 3 === 0 ? 1 : 0},${t0 + i * 60},u${i % 17},i${(i * 7) % 23}`);
  lines.push(`0,${t0 + day + 3600},u1,i2`); // day 2: one row, no positive
  for (let i = 0; i < 240; i++) lines.push(`${i % 3 === 0 ? 1 : 0},${t0 + 2 * day + i * 60},u${i % 17},i${(i * 5) % 23}`);
  await writeFile(join(dataRoot, 'days.csv'), lines.join('\n') + '\n');
  h.spawnWorker({ DATA_ROOTS: dataRoot });
});
after(async () => {
  await h?.close();
});

test('a one-class window: null metrics with a reason through GraphQL, out of the headline figures', async () => {
  const config = {
    ...tinyConfig(),
    data: { source: 'csv', path: 'days.csv', window: 'day', batchSize: 50, hashSize: 64, csv: { label: 'label', time: 'ts', categorical: ['user', 'item'] } },
    paradigm: { kind: 'prune_once', warmupWindows: 1 },
    evaluation: { serving: { enabled: false } },
  };
  const runId = await h.submitRun(await h.createExperiment('one class', config));
  const run = await waitFor('the run to finish', async () => {
    const r = await h.gql('query($id: ID!) { run(id: $id) { status error } }', { id: runId });
    return r.data?.run && ['succeeded', 'failed'].includes(r.data.run.status) ? r.data.run : null;
  }, 120_000, 200);
  assert.equal(run.status, 'succeeded', run.error);

  const q = 'query($id: ID!, $n: Int) { run(id: $id) { summary metrics(maxPoints: $n) { downsampled points { window windowEnd model ne logLoss auc calibration excluded } } } }';
  const full = await h.gql(q, { id: runId, n: 100 });
  assert.equal(full.errors, undefined, JSON.stringify(full.errors));
  const points = full.data.run.metrics.points as { window: number; model: string; ne: number | null; logLoss: number; auc: number | null; calibration: number | null; excluded: string | null }[];
  assert.deepEqual(points.map((p) => `${p.window}:${p.model}`), ['0:dense', '1:dense', '2:dense', '1:serving', '2:serving']);
  for (const p of points.filter((x) => x.window === 1)) {
    assert.deepEqual({ ne: p.ne, auc: p.auc, calibration: p.calibration, excluded: p.excluded }, { ne: null, auc: null, calibration: null, excluded: 'one_class' }, p.model);
    assert.ok(Number.isFinite(p.logLoss), 'log loss is defined on one class');
  }
  for (const p of points.filter((x) => x.window !== 1)) assert.ok(p.ne !== null && p.auc !== null && p.excluded === null, JSON.stringify(p));
  const summary = full.data.run.summary;
  assert.deepEqual(summary.excludedWindows, { one_class: 1 });
  assert.equal(summary.evaluationWindows, 1, 'window 2 counts, window 1 does not');
  assert.ok(Number.isFinite(summary.meanDeltaNEPct));

  // Downsampled to one point per model: the mean over the windows that have an NE, not a null, not NaN.
  const one = await h.gql(q, { id: runId, n: 1 });
  assert.equal(one.errors, undefined, JSON.stringify(one.errors));
  assert.equal(one.data.run.metrics.downsampled, true);
  const dense = one.data.run.metrics.points.find((p: { model: string }) => p.model === 'dense');
  const byWindow = new Map(points.filter((p) => p.model === 'dense').map((p) => [p.window, p.ne]));
  assert.ok(Math.abs(dense.ne - (byWindow.get(0)! + byWindow.get(2)!) / 2) < 1e-9, `${dense.ne}`);
  assert.equal(dense.excluded, null, 'a bucket with counted windows is not excluded');
});
