// The cross-check's own logic, and whole runs of the webgpu device's trainer on onnxruntime's CPU provider (the
// graphs and state handling a GPU host runs) against the CPU engine, for paradigms that between them use every
// trainer feature a run needs: Taylor scores, structured width changes, weight masks, regrowth, shadow models,
// serving export, checkpoints and resume across devices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RefreshEvent, WindowMetric } from '@driftprune/experiment';
import { setWebGpuDeviceProvider } from '@driftprune/engine';
import { compareRuns, type RunFiles } from './compare-runs.js';
import { crossCheck, parseSpec } from './cross-check.js';

const metric = (window: number, ne: number, auc = 0.7): WindowMetric => ({ window, windowId: `w${window}`, model: 'dense', rows: 100, ne, logLoss: ne / 2, auc, calibration: 1, sparsity: 0, flops: 1, params: 1, warmup: false });
const refresh = (window: number, widths: Record<string, number>): RefreshEvent => ({ window, trigger: 'schedule', widths, jaccard: 0.5, flopsRatio: 0.25 });
const run = (m: WindowMetric[], r: RefreshEvent[] = []): RunFiles => ({ metrics: m, refreshes: r, serving: [] });

test('compareRuns passes float noise and fails a real difference in NE, AUC, widths or missing windows', () => {
  const a = run([metric(0, 0.9), metric(1, 0.8)], [refresh(1, { 'top.0': 8 })]);
  assert.equal(compareRuns(a, run([metric(0, 0.9 * (1 + 1e-6)), metric(1, 0.8)], [refresh(1, { 'top.0': 8 })])).pass, true);
  const ne = compareRuns(a, run([metric(0, 0.9), metric(1, 0.81)], [refresh(1, { 'top.0': 8 })]));
  assert.equal(ne.pass, false);
  assert.equal(ne.firstNEOff, 1);
  assert.equal(compareRuns(a, run([metric(0, 0.9), metric(1, 0.8, 0.71)], [refresh(1, { 'top.0': 8 })])).pass, false);
  const widths = compareRuns(a, run([metric(0, 0.9), metric(1, 0.8)], [refresh(1, { 'top.0': 12 })]));
  assert.equal(widths.pass, false);
  assert.equal(widths.sameWidths, false);
  assert.equal(compareRuns(a, run([metric(0, 0.9)], [refresh(1, { 'top.0': 8 })])).pass, false);
  assert.equal(compareRuns(a, run([metric(0, 0.9), metric(1, 0.8)])).pass, false);
  // weight masks: one weight changing layers (a float32 tie) passes; counts further apart or another total fail
  const m = run([metric(0, 0.9)], [refresh(0, { 'bottom.0': 1394, 'top.0': 8561 })]);
  assert.equal(compareRuns(m, run([metric(0, 0.9)], [refresh(0, { 'bottom.0': 1395, 'top.0': 8560 })]), undefined, 0, true).pass, true);
  assert.equal(compareRuns(m, run([metric(0, 0.9)], [refresh(0, { 'bottom.0': 1395, 'top.0': 8560 })])).pass, false, 'structured widths must be identical');
  assert.equal(compareRuns(m, run([metric(0, 0.9)], [refresh(0, { 'bottom.0': 1384, 'top.0': 8571 })]), undefined, 0, true).pass, false);
  assert.equal(compareRuns(m, run([metric(0, 0.9)], [refresh(0, { 'bottom.0': 1395, 'top.0': 8561 })]), undefined, 0, true).pass, false);
  // …and the swapped weights may move Jaccard by 2 · moved / kept (the H100 run: 3 weights, Jaccard 2.6e-4), no more
  const swapped = (jaccard: number, widths = { 'bottom.1': 1395, 'top.0': 8559, 'top.1': 3462 }): RunFiles => run([metric(0, 0.9)], [{ ...refresh(0, widths), jaccard }]);
  const gpu = swapped(0.9487528, { 'bottom.1': 1394, 'top.0': 8561, 'top.1': 3461 });
  assert.equal(compareRuns(gpu, swapped(0.9490177), undefined, 0, true).pass, true);
  assert.equal(compareRuns(gpu, swapped(0.9497528), undefined, 0, true).pass, false, 'a Jaccard change beyond the moved weights');
  assert.equal(compareRuns(gpu, swapped(0.9490177, { 'bottom.1': 1394, 'top.0': 8561, 'top.1': 3461 }), undefined, 0, true).pass, false, 'identical counts allow no Jaccard change');
  // one-class windows: null NE/AUC must be null on both sides
  const oneClass = (m: WindowMetric): WindowMetric => ({ ...m, ne: null, auc: null });
  assert.equal(compareRuns(run([oneClass(metric(0, 0.9))]), run([oneClass(metric(0, 0.9))])).pass, true);
  assert.equal(compareRuns(run([oneClass(metric(0, 0.9))]), run([metric(0, 0.9)])).pass, false);
  // fromWindow skips what came before
  assert.equal(compareRuns(a, run([metric(0, 0.5), metric(1, 0.8)], [refresh(1, { 'top.0': 8 })]), undefined, 1).pass, true);
});

test('paradigm specs: kind, granularity and overrides; anything else is refused', () => {
  assert.deepEqual(parseSpec('d2s'), { kind: 'd2s', sets: [] });
  assert.deepEqual(parseSpec('d2s:unstructured+paradigm.r=1'), { kind: 'd2s', granularity: 'unstructured', sets: ['paradigm.r=1'] });
  assert.throws(() => parseSpec('d2x'), /bad paradigm/);
  assert.throws(() => parseSpec('d2s:sideways'), /bad paradigm/);
});

// Tiny runs: 4 windows of 400 rows, a small model.
const TINY = [
  'data.window=rows:400',
  'data.batchSize=100',
  'data.hashSize=200',
  'data.synthetic.windows=4',
  'data.synthetic.rowsPerWindow=400',
  'data.synthetic.numDense=4',
  'data.synthetic.numFields=5',
  'data.synthetic.vocabPerField=100',
  'model.embeddingDim=4',
  'model.bottomMlp=[16]',
  'model.topMlp=[16,8]',
  'engine.threads=1',
  'paradigm.warmupWindows=1',
  'pruning.minWidth=2',
];

test('whole runs on the webgpu device (CPU provider) agree with the CPU window by window and resume across devices', async () => {
  const out = await mkdtemp(join(tmpdir(), 'dp-cross-check-'));
  setWebGpuDeviceProvider('cpu');
  const lines: string[] = [];
  try {
    const results = await crossCheck({
      out,
      // gradual's ramp (the serving model pruned further mid-window), regrowth with weight masks, and d2s with a
      // shadow model.
      paradigms: ['gradual', 'sparse_regrow:unstructured', 'd2s+paradigm.r=1+paradigm.refresh.shadowWindows=1'],
      resumeAt: 2,
      sets: [...TINY],
      examples: resolve(import.meta.dirname, '../../examples'),
      log: (l) => lines.push(l),
    });
    for (const r of results) {
      assert.ok(r.pass, `${r.paradigm}: ${JSON.stringify({ codes: r.exitCodes, cmp: r.webgpuVsCpu, g2c: r.gpuThenCpuVsCpu, c2g: r.cpuThenGpuVsGpu }, null, 1)}\n${lines.join('\n')}`);
      assert.equal(r.webgpuVsCpu.windows, 4);
      assert.ok(r.webgpuVsCpu.refreshesA > 0, `${r.paradigm} refreshed`);
      assert.ok(r.webgpuVsCpu.maxServingParity < 1e-5);
    }
  } finally {
    setWebGpuDeviceProvider('webgpu');
    await rm(out, { recursive: true, force: true });
  }
});
