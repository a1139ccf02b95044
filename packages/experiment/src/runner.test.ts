// The runner on the real engine and the real synthetic stream, sized to take seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runExperiment } from './runner.js';
import { lines, tinyConfig, tmp } from './test-support.js';
import type { RefreshEvent, RunEvent, WindowMetric } from './types.js';

for (const paradigm of [
  { kind: 'adaptive_d2s', rMin: 1, rMax: 2, tau: 0.2 },
  { kind: 'sparse_regrow', r: 1, regrowFraction: 0.25 },
  { kind: 'gradual', rampWindows: 2, everySteps: 2 },
  { kind: 'd2s', r: 1, refresh: { shadowWindows: 1 } },
  { kind: 'd2s_ramp', r: 2, rampSteps: 8, everySteps: 2 },
  { kind: 'prune_once_distill', distillWeight: 0.5 },
])
  test(`${paradigm.kind}: a run stopped mid-window and resumed gives the uninterrupted run's metrics bit for bit`, async () => {
    const config = tinyConfig(paradigm);
    const a = await tmp();
    const b = await tmp();
    try {
      const full = await runExperiment({ config, outDir: a });
      // Stop during window 3's training: the abort comes from the window event, checked at the next batch.
      const controller = new AbortController();
      const onEvent = (e: RunEvent) => {
        if (e.type === 'window' && e.metrics[0]?.window === 3) controller.abort();
      };
      await assert.rejects(runExperiment({ config, outDir: b, signal: controller.signal, onEvent }), (e: Error) => e.name === 'AbortError');
      const state = JSON.parse(await readFile(join(b, 'checkpoint', 'state.json'), 'utf8'));
      assert.equal(state.nextWindow, 3, 'the last checkpoint is the boundary before window 3');
      const resumed = await runExperiment({ config, outDir: b, resume: true });
      const ma = await lines<WindowMetric>(join(a, 'metrics.jsonl'));
      const mb = await lines<WindowMetric>(join(b, 'metrics.jsonl'));
      assert.equal(ma.length, mb.length);
      assert.deepEqual(mb, ma);
      assert.deepEqual(await lines<RefreshEvent>(join(b, 'refreshes.jsonl')), await lines<RefreshEvent>(join(a, 'refreshes.jsonl')));
      assert.equal(resumed.meanDeltaNEPct, full.meanDeltaNEPct);
      assert.equal(resumed.trainingFlops, full.trainingFlops);
      assert.ok(full.refreshes >= (paradigm.kind === 'prune_once_distill' ? 1 : 2), `refreshes ${full.refreshes}`);
    } finally {
      await rm(a, { recursive: true, force: true });
      await rm(b, { recursive: true, force: true });
    }
  });

test('cancellation stops within one mini-batch of the abort', async () => {
  const dir = await tmp();
  try {
    const controller = new AbortController();
    let progressAfterAbort = 0;
    const onEvent = (e: RunEvent) => {
      if (controller.signal.aborted && e.type !== 'log') progressAfterAbort++;
      if (e.type === 'window' && e.metrics[0]?.window === 1) controller.abort();
    };
    await assert.rejects(runExperiment({ config: tinyConfig({ kind: 'd2s', r: 1 }), outDir: dir, signal: controller.signal, onEvent }), /cancelled/);
    assert.equal(progressAfterAbort, 0, 'no further window, refresh or checkpoint after the abort');
    const state = JSON.parse(await readFile(join(dir, 'checkpoint', 'state.json'), 'utf8'));
    assert.equal(state.nextWindow, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('d2s refreshes on its schedule, evaluates serving in onnxruntime with parity < 1e-5, and writes its files', async () => {
  const dir = await tmp();
  try {
    const config = tinyConfig({ kind: 'd2s', r: 2 }, { evaluation: { serving: { enabled: true, batchSizes: [1, 64], iterations: 3 } } });
    const s = await runExperiment({ config, outDir: dir, maxWindows: 5 });
    const refreshes = await lines<RefreshEvent>(join(dir, 'refreshes.jsonl'));
    assert.deepEqual(refreshes.map((r) => [r.window, r.trigger]), [[0, 'warmup_end'], [2, 'schedule'], [4, 'schedule']]);
    assert.equal(refreshes[0].jaccard, 1);
    for (const r of refreshes) assert.ok(r.flopsRatio < 0.6, `flops ratio ${r.flopsRatio}`);
    assert.equal(s.windows, 5);
    assert.equal(s.evaluationWindows, 4);
    assert.ok(s.parityMaxAbsDiff !== null && s.parityMaxAbsDiff! < 1e-5, `parity ${s.parityMaxAbsDiff}`);
    assert.ok(s.servingSpeedup !== null && s.servingSpeedup > 0);
    assert.ok(Number.isFinite(s.meanDeltaNEPct) && s.maxDeltaNEPct >= s.meanDeltaNEPct);
    const models = await readdir(join(dir, 'models'));
    assert.ok(models.some((m) => m.startsWith('serving-')) && models.some((m) => m.startsWith('dense-')));
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
    for (const k of ['paradigm', 'meanDeltaNEPct', 'maxDeltaNEPct', 'servingFlopsRatio', 'servingSpeedup', 'refreshes']) assert.ok(k in summary, k);
    // The runner writes the report itself, so a worker's run has one as well as a CLI run.
    const report = await readFile(join(dir, 'report.html'), 'utf8');
    assert.match(report, /<title>tiny<\/title>/);
    assert.match(report, /<svg/);
    // Every window has a dense metric, and a serving one once the first sparse model exists.
    const metrics = await lines<WindowMetric>(join(dir, 'metrics.jsonl'));
    assert.equal(metrics.filter((m) => m.model === 'dense').length, 5);
    assert.equal(metrics.filter((m) => m.model === 'serving').length, 4);
    for (const m of metrics) assert.ok(m.ne! > 0 && m.auc! >= 0 && m.auc! <= 1 && m.excluded === undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('prune_once refreshes once; dense never; unstructured masks keep the shape', async () => {
  const dir = await tmp();
  try {
    const once = await runExperiment({ config: tinyConfig({ kind: 'prune_once' }), outDir: dir, maxWindows: 3 });
    assert.equal(once.refreshes, 1);
    assert.ok(once.servingFlopsRatio < 0.6);
    const dense = await runExperiment({ config: tinyConfig({ kind: 'dense' }), outDir: dir, maxWindows: 3 });
    assert.equal(dense.refreshes, 0);
    assert.equal(dense.meanDeltaNEPct, 0);
    const un = await runExperiment({
      config: tinyConfig({ kind: 'sparse_regrow', r: 1 }, { pruning: { budget: 0.5, granularity: 'unstructured', criterion: 'magnitude', allocation: 'global', minWidth: 2 } }),
      outDir: dir,
      maxWindows: 3,
    });
    assert.equal(un.refreshes, 3); // warm-up end after window 0, regrowth after windows 1 and 2
    const metrics = await lines<WindowMetric>(join(dir, 'metrics.jsonl'));
    const serving = metrics.filter((m) => m.model === 'serving');
    for (const m of serving) assert.ok(Math.abs(m.sparsity - 0.5) < 0.02, `sparsity ${m.sparsity}`);
    assert.ok(existsSync(join(dir, 'checkpoint', 'state.json')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('d2s with shadowWindows trains the new model alongside before it serves', async () => {
  const dir = await tmp();
  try {
    const config = tinyConfig({ kind: 'd2s', r: 2, refresh: { shadowWindows: 1 } });
    const shadow = await runExperiment({ config, outDir: dir });
    const refreshes = await lines<RefreshEvent>(join(dir, 'refreshes.jsonl'));
    // The first sparse model serves at once; later ones one window after they were generated.
    assert.deepEqual(refreshes.map((r) => [r.window, r.servesFromWindow ?? null]), [[0, null], [2, 4], [4, 6]]);
    const plain = await runExperiment({ config: tinyConfig({ kind: 'd2s', r: 2 }), outDir: dir });
    // Same dense model and schedule; the shadow costs one more sparse model's training per refresh.
    assert.ok(shadow.trainingFlops > plain.trainingFlops);
    assert.equal(shadow.refreshes, plain.refreshes);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('every paradigm runs with both granularities and every criterion/allocation pair it is given', async () => {
  const dir = await tmp();
  try {
    const paradigms = [
      { kind: 'prune_once' },
      { kind: 'gradual', rampWindows: 1, everySteps: 2 },
      { kind: 'sparse_regrow', r: 1 },
      { kind: 'd2s', r: 1, refresh: { warmStart: false, fineTuneSteps: 2 } },
      { kind: 'adaptive_d2s', rMin: 1, rMax: 2, refresh: { shadowWindows: 1 } },
    ];
    const prunings = [
      { granularity: 'structured', criterion: 'hybrid', allocation: 'global' },
      { granularity: 'structured', criterion: 'magnitude', allocation: 'learned' },
      { granularity: 'unstructured', criterion: 'taylor', allocation: 'greedy' },
      { granularity: 'unstructured', criterion: 'magnitude', allocation: 'uniform' },
    ];
    for (const p of paradigms)
      for (const pr of prunings) {
        const config = tinyConfig(p, { pruning: { budget: 0.5, minWidth: 2, ...pr } });
        const s = await runExperiment({ config, outDir: dir, maxWindows: 4 });
        const what = `${p.kind} ${JSON.stringify(pr)}`;
        assert.ok(s.refreshes >= 1, what);
        assert.ok(Number.isFinite(s.meanDeltaNEPct), what);
        const metrics = await lines<WindowMetric>(join(dir, 'metrics.jsonl'));
        const last = metrics.filter((m) => m.model === 'serving').at(-1)!;
        assert.ok(Math.abs(last.sparsity - 0.5) < 0.06, `${what}: sparsity ${last.sparsity}`);
      }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a one-class day: null NE/AUC/calibration with the reason, a gap in the report, out of the headline figures', async () => {
  const dir = await tmp();
  try {
    const day = 86_400;
    const t0 = 1_700_006_400; // a UTC midnight
    const rows = ['label,ts,user,item'];
    for (const d of [0, 2, 3]) for (let i = 0; i < 200; i++) rows.push(`${i % 3 === 0 ? 1 : 0},${t0 + d * day + i * 60},u${i % 17},i${(i * 7 + d) % 23}`);
    rows.splice(201, 0, `0,${t0 + day + 60},u1,i2`); // day 1: one row, no positive (after the header and day 0's 200 rows)
    await writeFile(join(dir, 'days.csv'), rows.join('\n') + '\n');
    const config = tinyConfig({ kind: 'prune_once' }, { data: { source: 'csv', path: join(dir, 'days.csv'), window: 'day', batchSize: 50, hashSize: 64, csv: { label: 'label', time: 'ts', categorical: ['user', 'item'] } } });
    const out = join(dir, 'out');
    const s = await runExperiment({ config, outDir: out });
    const metrics = await lines<WindowMetric>(join(out, 'metrics.jsonl'));
    const oneClass = metrics.filter((m) => m.window === 1);
    assert.equal(oneClass.length, 2);
    for (const m of oneClass) assert.deepEqual([m.rows, m.ne, m.auc, m.calibration, m.excluded], [1, null, null, null, 'one_class']);
    assert.deepEqual(s.excludedWindows, { one_class: 1 });
    assert.equal(s.evaluationWindows, 2);
    assert.ok(Number.isFinite(s.meanDeltaNEPct) && Number.isFinite(s.meanNEDense!));
    // The report draws the window as a gap (report-html.test.ts), never as NaN.
    const report = await readFile(join(out, 'report.html'), 'utf8');
    assert.doesNotMatch(report, /NaN/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
