// The trainer end to end: learning, resuming, exporting, masks, Taylor scores, widths, errors, threads, memory.
import { OrtSession, i32, f32 } from '@driftprune/onnx';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createTrainer, EngineError, initParams, resolveShape, type ModelParams, type Trainer } from './index.js';
import { createTfjsTrainer } from './oracle/tfjs-trainer.js';
import { maxAbsDiff, makeBatch, relErr } from './test-support.js';
import type { Batch } from '@driftprune/data';

const small = resolveShape({ embeddingDim: 4, bottomMlp: [16, 8], topMlp: [16, 8], interaction: 'dot' }, { numDense: 4, tableSizes: [20, 30, 40] });

/** Labels from a fixed teacher (another DLRM): p > 0.5. */
function teacherBatches(n: number, B: number): Batch[] {
  const teacher = createTrainer({ shape: small, seed: 99, threads: 1 });
  const out = Array.from({ length: n }, (_, i) => {
    const b = makeBatch(small, B, 1000 + i);
    const p = teacher.predict(b);
    b.labels.set(p.map((v) => (v > 0.5 ? 1 : 0)));
    return b;
  });
  teacher.dispose();
  return out;
}

function expectCode(fn: () => unknown, code: string, re: RegExp) {
  assert.throws(fn, (e: unknown) => e instanceof EngineError && e.code === code && re.test(e.message), `expected ${code} matching ${re}`);
}

describe('training', () => {
  test('a tiny model learns a teacher (held-out loss below 0.3)', () => {
    const data = teacherBatches(61, 64);
    const heldOut = data.pop()!;
    const t = createTrainer({ shape: small, seed: 1, optimizer: { kind: 'adagrad', lr: 0.05 }, threads: 1 });
    const before = t.evalLoss(heldOut);
    for (let epoch = 0; epoch < 8; epoch++) for (const b of data) t.trainStep(b);
    const after = t.evalLoss(heldOut);
    t.dispose();
    assert.ok(after < 0.3 && after < before / 2, `held-out loss ${before} → ${after}`);
  });

  for (const kind of ['sgd', 'adagrad', 'adam'] as const) {
    test(`${kind}: the same loss curve as the tfjs engine (20 steps, within 1e-4 relative)`, async () => {
      const params = initParams(small, 5);
      const batches = teacherBatches(20, 32);
      const optimizer = { kind, lr: kind === 'sgd' ? 0.1 : 0.01 };
      const ours = createTrainer({ params, optimizer, threads: 1 });
      const tfj = await createTfjsTrainer({ params, optimizer });
      const a = batches.map((b) => ours.trainStep(b));
      const b = batches.map((x) => tfj.trainStep(x));
      ours.dispose();
      assert.ok(relErr(a, b) < 1e-4, `curves differ: ${relErr(a, b)}\n${a}\n${b}`);
      assert.ok(a[a.length - 1] < a[0], `loss did not fall: ${a[0]} → ${a[a.length - 1]}`);
    });
  }
});

describe('deferred embedding updates on a worker thread', () => {
  for (const kind of ['adagrad', 'adam'] as const) {
    test(`${kind}: bit-identical to the sequential order (losses, predictions, params, state, checkpoint)`, () => {
      // Mixed sizes: the worker's buffers must grow when a batch touches more rows than any before.
      const batches = [...teacherBatches(4, 8), ...teacherBatches(4, 48), ...teacherBatches(2, 5), ...teacherBatches(2, 96)];
      const seq = createTrainer({ shape: small, seed: 12, threads: 1, optimizer: { kind }, overlap: false });
      const ovl = createTrainer({ shape: small, seed: 12, threads: 1, optimizer: { kind }, overlap: true });
      const run = (t: Trainer) => {
        const losses = batches.slice(0, 6).map((b) => t.trainStep(b));
        const p = t.predict(batches[6]); // reads the tables between steps
        losses.push(...batches.slice(6, 11).map((b) => t.trainStep(b)));
        return { losses, p, ck: t.saveCheckpoint(), params: t.getParams(), state: t.getOptimizerState() };
      };
      const a = run(seq);
      const b = run(ovl);
      assert.deepEqual(b.losses, a.losses);
      assert.deepEqual(b.p, a.p);
      assert.deepEqual(b.params, a.params);
      assert.deepEqual(b.state, a.state);
      assert.deepEqual(b.ck, a.ck);
      // and a trainer resumed from the overlapped checkpoint continues identically
      seq.loadCheckpoint(b.ck);
      assert.equal(seq.trainStep(batches[11]), ovl.trainStep(batches[11]));
      seq.dispose();
      ovl.dispose();
    });
  }
});

test('a trainer with the worker that is never disposed does not keep the process alive', () => {
  const fixture = fileURLToPath(new URL('./overlap/undisposed-fixture.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, 'the child was killed at the timeout: something kept it alive');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /trained/);
});

describe('checkpoints', () => {
  for (const kind of ['sgd', 'adagrad', 'adam'] as const) {
    test(`${kind}: save → load resumes exactly (same next loss, same params), bytes and file`, () => {
      const batches = teacherBatches(8, 32);
      const masks = { 'top.1': Float32Array.from({ length: 16 * 8 }, (_, i) => (i % 3 ? 1 : 0)) };
      const a = createTrainer({ shape: small, seed: 2, optimizer: { kind }, threads: 1, masks, taylor: { decay: 0.9 } });
      for (const b of batches.slice(0, 5)) a.trainStep(b);
      const dir = mkdtempSync(join(tmpdir(), 'engine-ckpt-'));
      const file = join(dir, 'c.ckpt');
      const bytes = a.saveCheckpoint(file);
      assert.deepEqual(new Uint8Array(readFileSync(file)), bytes);
      const next = batches.slice(5).map((b) => a.trainStep(b));
      const fromBytes = createTrainer({ shape: small, seed: 77, threads: 1 });
      fromBytes.loadCheckpoint(bytes);
      const fromFile = createTrainer({ shape: small, seed: 78, threads: 1 });
      fromFile.loadCheckpoint(file);
      for (const r of [fromBytes, fromFile]) {
        assert.equal(r.step, 5);
        assert.deepEqual(batches.slice(5).map((b) => r.trainStep(b)), next);
        assert.deepEqual(r.getParams(), a.getParams());
        assert.deepEqual(r.getTaylorScores(), a.getTaylorScores());
        r.dispose();
      }
      a.dispose();
      rmSync(dir, { recursive: true });
    });
  }

  test('a corrupt checkpoint is rejected with BAD_CHECKPOINT', () => {
    const t = createTrainer({ shape: small, threads: 1 });
    expectCode(() => t.loadCheckpoint(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])), 'BAD_CHECKPOINT', /magic/);
    const good = t.saveCheckpoint();
    expectCode(() => t.loadCheckpoint(good.subarray(0, good.length - 8)), 'BAD_CHECKPOINT', /truncated/);
    t.dispose();
  });
});

describe('serving export', () => {
  function parity(t: Trainer, b: Batch): number {
    const s = new OrtSession(t.exportServingModel(), { threads: 1 });
    const F = t.shape.tableSizes.length;
    const out = s.run({ dense: f32(b.dense, [b.size, t.shape.numDense]), cat: i32(b.cat, [b.size, F]) }, { prob: null });
    s.dispose();
    return maxAbsDiff(out.prob.data as Float32Array, t.predict(b));
  }

  test('predictions equal the engine (max abs diff < 1e-6): dense, masked, structurally pruned, cat interaction', () => {
    const batches = teacherBatches(10, 64);
    const t = createTrainer({ shape: small, seed: 3, threads: 1 });
    for (const b of batches) t.trainStep(b);
    assert.ok(parity(t, batches[0]) < 1e-6);
    t.setMasks({ 'bottom.0': Float32Array.from({ length: 16 * 4 }, (_, i) => (i % 2 ? 1 : 0)) });
    t.trainStep(batches[1]);
    assert.ok(parity(t, batches[0]) < 1e-6);
    const pruned = keepFirstNeurons(t.getParams(), "top.0", 5);
    const s = createTrainer({ params: pruned, threads: 1 });
    s.trainStep(batches[2]);
    assert.deepEqual(s.shape.top, [small.top[0], 5, 8, 1]);
    assert.ok(parity(s, batches[0]) < 1e-6);
    const c = createTrainer({ shape: { ...small, interaction: 'cat', top: [4 * 4, 16, 8, 1] }, threads: 1 });
    c.trainStep(batches[0]);
    assert.ok(parity(c, batches[1]) < 1e-6);
    for (const x of [t, s, c]) x.dispose();
  });

  test('a stream without dense features (numDense 0) trains and exports', () => {
    const shape = resolveShape({ embeddingDim: 4, bottomMlp: [8], topMlp: [8], interaction: 'dot' }, { numDense: 0, tableSizes: [10, 20] });
    const t = createTrainer({ shape, seed: 1, threads: 1, optimizer: { lr: 0.1 } });
    const b = makeBatch(shape, 32, 5, (_d, cat, r) => (cat[r * 2] < 5 ? 1 : 0));
    const first = t.trainStep(b);
    let last = first;
    for (let i = 0; i < 30; i++) last = t.trainStep(b);
    assert.ok(last < first / 2, `loss ${first} → ${last}`);
    assert.ok(parity(t, b) < 1e-6);
    t.dispose();
  });
});

/** Structured pruning by hand: keep the first k neurons of `layer` (rows of W, b, and columns of the next W). */
function keepFirstNeurons(p: ModelParams, layer: string, k: number): ModelParams {
  const layers = [...p.bottom, ...p.top];
  const i = layers.findIndex((l) => l.name === layer);
  const l = layers[i];
  const nextL = layers[i + 1];
  const newNext = { ...nextL, inDim: k, W: new Float32Array(nextL.outDim * k), mask: undefined };
  for (let r = 0; r < nextL.outDim; r++) for (let c = 0; c < k; c++) newNext.W[r * k + c] = nextL.W[r * nextL.inDim + c];
  const newL = { ...l, outDim: k, W: l.W.slice(0, k * l.inDim), b: l.b.slice(0, k), mask: undefined };
  const all = layers.map((x, j) => (j === i ? newL : j === i + 1 ? newNext : x));
  const nb = p.bottom.length;
  const shape = structuredClone(p.shape);
  const widths = [...shape.bottom.slice(1), ...shape.top.slice(1)];
  widths[i] = k;
  shape.bottom = [shape.bottom[0], ...widths.slice(0, nb)];
  shape.top = [shape.top[0], ...widths.slice(nb)];
  for (const x of all) if (x.mask === undefined) delete x.mask;
  return { shape, bottom: all.slice(0, nb), top: all.slice(nb), embeddings: p.embeddings };
}

describe('masks, Taylor scores, widths, optimizer state', () => {
  test('masked weights stay zero, their gradients and scores are masked, the rest trains', () => {
    const mask = Float32Array.from({ length: 8 * 16 }, (_, i) => (i % 4 === 0 ? 0 : 1));
    const t = createTrainer({ shape: small, seed: 4, threads: 1, masks: { 'bottom.1': mask }, taylor: { decay: 0.5 }, optimizer: { kind: 'adam' } });
    const before = t.getParams().bottom[1].W;
    for (const b of teacherBatches(10, 32)) t.trainStep(b);
    const p = t.getParams();
    const scores = t.getTaylorScores();
    mask.forEach((m, i) => {
      if (m === 0) {
        assert.ok(p.bottom[1].W[i] === 0, `masked weight ${i} is ${p.bottom[1].W[i]}`);
        assert.ok(scores['bottom.1'][i] === 0, `masked score ${i} is ${scores['bottom.1'][i]}`);
      }
    });
    assert.ok(p.bottom[1].W.some((w, i) => mask[i] === 1 && w !== before[i]), 'unmasked weights did not move');
    assert.deepEqual(Object.keys(scores).sort(), ['bottom.0', 'bottom.1', 'bottom.2', 'top.0', 'top.1', 'top.2']);
    assert.ok(scores['top.0'].some((s) => s > 0));
    t.resetTaylorScores();
    assert.ok(t.getTaylorScores()['top.0'].every((s) => s === 0));
    t.dispose();
  });

  test('Taylor score is the EMA of |w·∂L/∂w| (one step from zero: (1 − decay)·|w·g|)', () => {
    const b = teacherBatches(1, 16)[0];
    const t = createTrainer({ shape: small, seed: 6, threads: 1, taylor: { decay: 0.75 }, optimizer: { kind: 'sgd', lr: 1 } });
    const w0 = t.getParams().top[0].W;
    t.trainStep(b);
    const w1 = t.getParams().top[0].W;
    const expected = w0.map((w, i) => 0.25 * Math.abs(w * (w0[i] - w1[i]))); // SGD lr 1: g = w0 − w1
    assert.ok(relErr(t.getTaylorScores()['top.0'], expected) < 1e-4);
    t.dispose();
  });

  test('optimizer state carries over where shapes match: a copy continues identically', () => {
    const batches = teacherBatches(6, 32);
    const a = createTrainer({ shape: small, seed: 8, threads: 1, optimizer: { kind: 'adam' } });
    for (const b of batches.slice(0, 3)) a.trainStep(b);
    const b2 = createTrainer({ params: a.getParams(), optimizerState: a.getOptimizerState(), optimizer: { kind: 'adam' }, threads: 1 });
    const fresh = createTrainer({ params: a.getParams(), optimizer: { kind: 'adam' }, threads: 1 });
    const la = batches.slice(3).map((b) => a.trainStep(b));
    assert.deepEqual(batches.slice(3).map((b) => b2.trainStep(b)), la);
    assert.notDeepEqual(batches.slice(3).map((b) => fresh.trainStep(b)), la);
    // setParams to other widths keeps the state of layers whose shapes still match
    const pruned = keepFirstNeurons(a.getParams(), 'top.1', 3);
    a.setParams(pruned);
    const st = a.getOptimizerState();
    assert.equal(st.layers['top.1'].W[0].length, 3 * 16);
    assert.ok(st.layers['bottom.0'].W[0].some((v) => v !== 0), 'bottom.0 state was dropped');
    assert.ok(st.layers['top.1'].W[0].every((v) => v === 0), 'top.1 state must restart');
    assert.ok(Number.isFinite(a.trainStep(batches[0])));
    for (const x of [a, b2, fresh]) x.dispose();
  });

  test('getParams is a copy in the contract layout and starting from it reproduces predictions', () => {
    const t = createTrainer({ shape: small, seed: 9, threads: 1 });
    const b = teacherBatches(2, 16);
    t.trainStep(b[0]);
    const p = t.getParams();
    p.top[0].W.fill(0);
    assert.ok(t.getParams().top[0].W.some((w) => w !== 0), 'getParams must return a copy');
    const u = createTrainer({ params: t.getParams(), threads: 1 });
    assert.deepEqual(u.predict(b[1]), t.predict(b[1]));
    t.dispose();
    u.dispose();
  });
});

describe('bad configs are rejected with clear errors', () => {
  const model = { embeddingDim: 4, bottomMlp: [8], topMlp: [8], interaction: 'dot' as const };
  test('zero widths, table size 0, unknown optimizer, bad device, bad ids', () => {
    expectCode(() => resolveShape({ ...model, bottomMlp: [8, 0] }, { numDense: 3, tableSizes: [5] }), 'BAD_SHAPE', /bottom\[2\] must be a positive integer width, got 0/);
    expectCode(() => resolveShape({ ...model, topMlp: [0] }, { numDense: 3, tableSizes: [5] }), 'BAD_SHAPE', /top\[1\].*got 0/);
    expectCode(() => resolveShape(model, { numDense: 3, tableSizes: [5, 0] }), 'BAD_SHAPE', /tableSizes\[1\] must be a positive integer.*got 0/);
    expectCode(() => resolveShape(model, { numDense: 3, tableSizes: [] }), 'BAD_SHAPE', /at least one embedding table/);
    const shape = resolveShape(model, { numDense: 3, tableSizes: [5] });
    expectCode(() => createTrainer({ shape, optimizer: { kind: 'rmsprop' as never } }), 'BAD_OPTIMIZER', /unknown optimizer 'rmsprop': use one of sgd, adagrad, adam/);
    expectCode(() => createTrainer({ shape, optimizer: { lr: -1 } }), 'BAD_OPTIMIZER', /optimizer.lr must be/);
    expectCode(() => createTrainer({ shape, device: 'webgpu' }), 'BAD_DEVICE', /webgpu/);
    expectCode(() => createTrainer({ shape, threads: -2 }), 'BAD_DEVICE', /threads/);
    expectCode(() => createTrainer({}), 'BAD_PARAMS', /params.*shape/);
    const p = initParams(shape, 1);
    p.top[0].W = new Float32Array(3);
    expectCode(() => createTrainer({ params: p }), 'BAD_PARAMS', /top.0: W must be a Float32Array of 8×\d+/);
    const t = createTrainer({ shape, threads: 1 });
    const b = makeBatch(shape, 4, 1);
    b.cat[2] = 5;
    expectCode(() => t.trainStep(b), 'BAD_BATCH', /row 2, field 0: id 5 is outside the table/);
    t.dispose();
    expectCode(() => t.trainStep(b), 'DISPOSED', /disposed/);
  });
});

describe('resources', () => {
  test('the thread setting is honoured (onnxruntime starts threads − 1 pool threads)', async () => {
    // Threads of earlier tests (a terminated worker) may still be exiting: wait until the count is steady.
    await settle();
    const tasks = () => readdirCount('/proc/self/task');
    const shape = resolveShape({ embeddingDim: 4, bottomMlp: [7], topMlp: [9], interaction: 'cat' }, { numDense: 3, tableSizes: [5] });
    const counts: Record<number, number> = {};
    for (const threads of [1, 4]) {
      const before = tasks();
      const t = createTrainer({ shape, threads, optimizer: { kind: 'sgd' } });
      counts[threads] = tasks() - before;
      assert.equal(t.threads, threads);
      t.dispose();
    }
    // Two sessions (train, predict) per trainer, each with its own intra-op pool.
    assert.equal(counts[4] - counts[1], 2 * 3, `thread deltas ${JSON.stringify(counts)}`);
  });

  test('memory stays flat over 2000 steps (bench:memory runs 10,000)', () => {
    const t = createTrainer({ shape: small, seed: 1, threads: 1 });
    const batches = teacherBatches(4, 64);
    for (let i = 0; i < 300; i++) t.trainStep(batches[i % 4]);
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    for (let i = 0; i < 2000; i++) t.trainStep(batches[i % 4]);
    global.gc?.();
    const grew = (process.memoryUsage().rss - rss0) / 2 ** 20;
    t.dispose();
    assert.ok(grew < 16, `RSS grew ${grew.toFixed(1)} MiB over 2000 steps`);
  });
});

function readdirCount(dir: string): number {
  return readdirSync(dir).length;
}

async function settle(): Promise<void> {
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const n = readdirCount('/proc/self/task');
    if (n === last) return;
    last = n;
    await new Promise((r) => setTimeout(r, 50));
  }
}
