// The device-resident trainer run on onnxruntime's CPU execution provider (the same graphs and state handling as
// on WebGPU) against the CPU engine: same losses, parameters, optimizer state and predictions; duplicates,
// masks, Taylor scores, width changes and checkpoints; and device selection without a GPU.
import type { Batch } from '@driftprune/data';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTrainer, EngineError, initParams, resolveShape, type Trainer } from '../index.js';
import { makeBatch, maxAbsDiff, relErr } from '../test-support.js';
import { probeWebGpu, setWebGpuProbeForTesting } from './probe.js';
import { resolveDevice, setWebGpuDeviceProvider, webGpuDeviceProvider } from './select.js';
import { createResidentTrainer, type ResidentTrainer } from './trainer.js';

const shape = resolveShape({ embeddingDim: 4, bottomMlp: [16, 8], topMlp: [16, 8], interaction: 'dot' }, { numDense: 4, tableSizes: [20, 30, 40] });
const batches = (n: number, B: number, seed = 100): Batch[] => Array.from({ length: n }, (_, i) => makeBatch(shape, B, seed + i));

function assertSameState(a: Trainer, b: Trainer, tol: number) {
  const pa = a.getParams();
  const pb = b.getParams();
  assert.ok(relErr(pb.embeddings, pa.embeddings) <= tol, `embeddings ${relErr(pb.embeddings, pa.embeddings)}`);
  [...pa.bottom, ...pa.top].forEach((l, i) => {
    const m = [...pb.bottom, ...pb.top][i];
    assert.equal(m.name, l.name);
    assert.ok(relErr(m.W, l.W) <= tol && relErr(m.b, l.b) <= tol, `${l.name}: W ${relErr(m.W, l.W)}, b ${relErr(m.b, l.b)}`);
    assert.deepEqual(m.mask, l.mask);
  });
  const sa = a.getOptimizerState();
  const sb = b.getOptimizerState();
  assert.equal(sb.step, sa.step);
  sa.embeddings.forEach((e, s) => assert.ok(relErr(sb.embeddings[s], e) <= tol, `embedding state ${s}`));
  for (const [name, st] of Object.entries(sa.layers)) st.W.forEach((w, s) => assert.ok(relErr(sb.layers[name].W[s], w) <= tol, `${name} state ${s}`));
}

describe('resident trainer on the CPU execution provider = the CPU engine', () => {
  for (const kind of ['sgd', 'adagrad', 'adam'] as const) {
    test(`${kind}: 15 steps give the same losses, parameters, state and predictions`, () => {
      const params = initParams(shape, 3);
      const optimizer = { kind, lr: 0.05 };
      const cpu = createTrainer({ params, optimizer, threads: 1 });
      const res = createResidentTrainer({ params, optimizer, threads: 1, executionProvider: 'cpu' });
      assert.equal(res.device, 'cpu');
      const data = batches(15, 32);
      const a = data.map((b) => cpu.trainStep(b));
      const b = data.map((x) => res.trainStep(x));
      assert.ok(relErr(b, a) < 1e-6, `losses differ: ${relErr(b, a)}\n${a}\n${b}`);
      assert.ok(a[a.length - 1] < a[0]);
      assertSameState(cpu, res, 1e-6);
      const held = makeBatch(shape, 50, 7);
      assert.ok(maxAbsDiff(res.predict(held), cpu.predict(held)) < 1e-6);
      assert.ok(Math.abs(res.evalLoss(held) - cpu.evalLoss(held)) < 1e-6);
      cpu.dispose();
      res.dispose();
    });
  }

  test("batch 512: the weight gradients split over 4 batch chunks give the CPU engine's result", () => {
    const params = initParams(shape, 9);
    const cpu = createTrainer({ params, threads: 1 });
    const res = createResidentTrainer({ params, threads: 1, executionProvider: 'cpu' });
    for (const b of batches(3, 512, 300)) assert.ok(Math.abs(cpu.trainStep(b) - res.trainStep(b)) < 1e-6);
    assertSameState(cpu, res, 1e-5);
    // A short last batch (not a multiple of 4) gets its own graph, without the split.
    const short = makeBatch(shape, 37, 5);
    assert.ok(Math.abs(cpu.trainStep(short) - res.trainStep(short)) < 1e-6);
    assertSameState(cpu, res, 1e-5);
    cpu.dispose();
    res.dispose();
  });

  test('ids repeated within a batch get one update with the summed gradient (as the CPU engine coalesces)', () => {
    const params = initParams(shape, 4);
    const data = batches(5, 64).map((b) => {
      for (let i = 0; i < b.cat.length; i++) b.cat[i] = b.cat[i] % 3; // three ids per field: heavy duplication
      return b;
    });
    const cpu = createTrainer({ params, optimizer: { kind: 'adagrad', lr: 0.1 }, threads: 1 });
    const res = createResidentTrainer({ params, optimizer: { kind: 'adagrad', lr: 0.1 }, threads: 1, executionProvider: 'cpu', graphVariant: { embeddingUpdate: 'sparse' } });
    for (const b of data) assert.ok(Math.abs(cpu.trainStep(b) - res.trainStep(b)) < 1e-6);
    assertSameState(cpu, res, 1e-5);
    // Rows never hit keep their initial values exactly.
    const untouched = res.getParams().embeddings.subarray(3 * 4, 20 * 4);
    assert.deepEqual(untouched, params.embeddings.subarray(3 * 4, 20 * 4));
    cpu.dispose();
    res.dispose();
  });

  test("the benchmark's graph variants (per-tensor dense update, full-table embedding update, host input in pieces) compute the same", () => {
    const params = initParams(shape, 8);
    const data = batches(5, 32);
    const ref = createResidentTrainer({ params, threads: 1, executionProvider: 'cpu' });
    const losses = data.map((b) => ref.trainStep(b));
    const variants = [{ denseUpdate: 'per-tensor' as const }, { embeddingUpdate: 'full-table' as const }, { embeddingUpdate: 'sparse' as const }, { formulation: 'plain' as const }, { hostInputs: 'separate' as const }, { hostChunkBytes: 512 }, { hostChunkBytes: Infinity }, { hostOutputs: 'separate' as const }, { stepRuns: 1 as const }, { stepRuns: 1 as const, hostOutputs: 'separate' as const }];
    for (const graphVariant of variants) {
      const v = createResidentTrainer({ params, threads: 1, executionProvider: 'cpu', graphVariant });
      assert.ok(relErr(data.map((b) => v.trainStep(b)), losses) < 1e-6, JSON.stringify(graphVariant));
      assertSameState(ref, v, 1e-6);
      v.dispose();
    }
    ref.dispose();
  });

  test('masks and Taylor scores: the same as the CPU engine; masked weights stay zero', () => {
    const params = initParams(shape, 5);
    const mask = Float32Array.from({ length: 16 * 4 }, (_, k) => (k % 3 === 0 ? 0 : 1));
    const o = { params, optimizer: { kind: 'adam' as const, lr: 0.01 }, threads: 1, taylor: { decay: 0.9 }, masks: { 'bottom.0': mask } };
    const cpu = createTrainer(o);
    const res = createResidentTrainer({ ...o, executionProvider: 'cpu' });
    for (const b of batches(6, 32)) assert.ok(Math.abs(cpu.trainStep(b) - res.trainStep(b)) < 1e-6);
    assertSameState(cpu, res, 1e-6);
    const W = res.getParams().bottom[0].W;
    mask.forEach((m, k) => m === 0 && assert.ok(W[k] === 0, `masked weight ${k} is ${W[k]}`));
    const sa = cpu.getTaylorScores();
    const sb = res.getTaylorScores();
    assert.deepEqual(Object.keys(sb).sort(), Object.keys(sa).sort());
    for (const k of Object.keys(sa)) assert.ok(relErr(sb[k], sa[k]) < 1e-5, `score ${k}`);
    res.resetTaylorScores();
    assert.ok(Object.values(res.getTaylorScores()).every((s) => s.every((v) => v === 0)));
    // Clearing the mask lets the weights train again.
    res.setMasks({ 'bottom.0': undefined });
    res.trainStep(makeBatch(shape, 32, 1));
    assert.ok(res.getParams().bottom[0].W.some((w, k) => mask[k] === 0 && w !== 0));
    cpu.dispose();
    res.dispose();
  });

  test('checkpoints move between the CPU engine and the resident trainer; widths may change', () => {
    const data = batches(8, 32);
    const cpu = createTrainer({ shape, seed: 6, optimizer: { kind: 'adagrad', lr: 0.05 }, threads: 1 });
    for (const b of data.slice(0, 4)) cpu.trainStep(b);
    const res = createResidentTrainer({ shape, seed: 1, threads: 1, executionProvider: 'cpu' });
    res.loadCheckpoint(cpu.saveCheckpoint());
    for (const b of data.slice(4)) assert.ok(Math.abs(cpu.trainStep(b) - res.trainStep(b)) < 1e-6);
    assertSameState(cpu, res, 1e-6);
    const back = createTrainer({ shape, seed: 2, threads: 1 });
    back.loadCheckpoint(res.saveCheckpoint());
    assertSameState(res, back, 0);
    // A structurally pruned copy (top.0 down to 8 neurons) trains in the resident trainer too.
    const p = res.getParams();
    const keep = 8;
    const top0 = p.top[0];
    const top1 = p.top[1];
    p.top[0] = { ...top0, outDim: keep, W: top0.W.slice(0, keep * top0.inDim), b: top0.b.slice(0, keep) };
    p.top[1] = { ...top1, inDim: keep, W: Float32Array.from({ length: top1.outDim * keep }, (_, k) => top1.W[Math.floor(k / keep) * top1.inDim + (k % keep)]) };
    p.shape = { ...p.shape, top: [p.shape.top[0], keep, ...p.shape.top.slice(2)] };
    res.setParams(p);
    const cpuPruned = createTrainer({ params: p, threads: 1 });
    assert.ok(maxAbsDiff(res.predict(data[0]), cpuPruned.predict(data[0])) < 1e-6);
    assert.ok(Number.isFinite(res.trainStep(data[1])));
    for (const t of [cpu, res, back, cpuPruned]) t.dispose();
  });

  for (const stepRuns of [1, 2] as const)
  test(`bad batches and a disposed trainer are rejected with clear errors (${stepRuns} run${stepRuns > 1 ? 's' : ''} per step)`, () => {
    const res = createResidentTrainer({ shape, threads: 1, executionProvider: 'cpu', graphVariant: { stepRuns } });
    const b = makeBatch(shape, 8, 1);
    b.cat[5] = 30; // row 1, field 2 (40 rows): in range
    b.cat[4] = 30; // row 1, field 1 (30 rows): out of range
    const before = res.getParams();
    assert.throws(() => res.trainStep(b), (e: unknown) => e instanceof EngineError && e.code === 'BAD_BATCH' && /row 1, field 1: id 30/.test(e.message));
    // The device-side check rolled the step back: same parameters, same step count, and training goes on.
    assert.equal(res.step, 0);
    assert.deepEqual(res.getParams(), before);
    b.cat[4] = -1;
    assert.throws(() => res.trainStep(b), /row 1, field 1: id -1/);
    b.cat[4] = 29;
    assert.ok(Number.isFinite(res.trainStep(b)));
    assert.equal(res.step, 1);
    res.dispose();
    assert.throws(() => res.predict(b), (e: unknown) => e instanceof EngineError && e.code === 'DISPOSED');
  });
});

describe('device selection', () => {
  test("without an adapter: 'auto' falls back to the CPU with one log line, 'webgpu' throws BAD_DEVICE", () => {
    setWebGpuProbeForTesting({ available: false, reason: 'Failed to get a WebGPU adapter: No supported adapters', ms: 1 });
    try {
      const lines: string[] = [];
      const t = createTrainer({ shape, threads: 1, device: 'auto', log: (l) => lines.push(l) });
      assert.equal(t.device, 'cpu');
      assert.equal(lines.length, 1);
      assert.match(lines[0], /no WebGPU adapter found \(Failed to get a WebGPU adapter: No supported adapters\); device 'auto' falls back to the CPU/);
      t.dispose();
      assert.throws(() => createTrainer({ shape, device: 'webgpu' }), (e: unknown) => e instanceof EngineError && e.code === 'BAD_DEVICE' && /no WebGPU adapter was found/.test(e.message));
      assert.equal(resolveDevice('cpu'), 'cpu');
      assert.throws(() => resolveDevice('tpu' as 'cpu'), /unknown device 'tpu'/);
    } finally {
      setWebGpuProbeForTesting(undefined);
    }
  });

  test("with an adapter 'auto' and 'webgpu' pick the resident trainer", () => {
    setWebGpuProbeForTesting({ available: true, ms: 1 });
    try {
      assert.equal(resolveDevice('auto', () => assert.fail('no log line expected')), 'webgpu');
      assert.equal(resolveDevice('webgpu'), 'webgpu');
    } finally {
      setWebGpuProbeForTesting(undefined);
    }
  });

  test("setWebGpuDeviceProvider('cpu'): device 'webgpu' gets the resident trainer on the CPU provider, without an adapter", () => {
    setWebGpuProbeForTesting({ available: false, reason: 'Failed to get a WebGPU adapter: No supported adapters', ms: 1 });
    setWebGpuDeviceProvider('cpu');
    try {
      assert.equal(webGpuDeviceProvider(), 'cpu');
      assert.equal(resolveDevice('webgpu'), 'webgpu');
      const t = createTrainer({ shape, seed: 1, threads: 1, device: 'webgpu' }) as ResidentTrainer;
      assert.equal(t.executionProvider, 'cpu');
      const c = createTrainer({ shape, seed: 1, threads: 1 });
      const b = batches(1, 16)[0];
      assert.ok(Math.abs(t.trainStep(b) - c.trainStep(b)) < 1e-6);
      t.dispose();
      c.dispose();
      assert.throws(() => setWebGpuDeviceProvider('tpu' as 'cpu'), (e: unknown) => e instanceof EngineError && e.code === 'BAD_DEVICE');
      setWebGpuDeviceProvider('webgpu');
      assert.throws(() => createTrainer({ shape, device: 'webgpu' }), (e: unknown) => e instanceof EngineError && e.code === 'BAD_DEVICE');
    } finally {
      setWebGpuDeviceProvider('webgpu');
      setWebGpuProbeForTesting(undefined);
    }
  });

  test('the real probe answers with a reason when there is no adapter', () => {
    const p = probeWebGpu();
    assert.equal(typeof p.available, 'boolean');
    if (!p.available) assert.match(p.reason ?? '', /\S/);
    assert.strictEqual(probeWebGpu(), p, 'the answer is cached');
  });
});
