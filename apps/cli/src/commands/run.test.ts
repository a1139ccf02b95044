import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.js';
import { collectSets, loadExperimentConfig } from './run.js';
import { heavyScaleCsv, HEAVY_SCALE_MAPPING } from '@driftprune/data/testing/heavy-scale-csv';

const tiny = `name: cli-tiny
seed: 2
data:
  source: synthetic
  window: rows:400
  batchSize: 100
  hashSize: 100
  synthetic: { windows: 4, rowsPerWindow: 400, numDense: 3, numFields: 4, vocabPerField: 50 }
model: { embeddingDim: 4, bottomMlp: [8], topMlp: [16] }
engine: { threads: 1 }
paradigm: { kind: d2s, r: 1, warmupWindows: 1 }
pruning: { budget: 0.5, criterion: magnitude, allocation: global, minWidth: 2 }
evaluation: { serving: { batchSizes: [1, 8], iterations: 2 } }
`;

async function capture<T>(fn: () => Promise<T>): Promise<{ value: T; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    return { value: await fn(), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('driftprune run writes summary, logs, ONNX models and a self-contained report', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dp-cli-'));
  try {
    await writeFile(join(dir, 'c.yaml'), tiny);
    const out = join(dir, 'out');
    const r = await capture(() => main(['run', join(dir, 'c.yaml'), '--out', out, '--max-windows', '3', '--quiet']));
    assert.equal(r.value, 0, r.err);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.paradigm, 'd2s');
    assert.equal(summary.windows, 3);
    assert.equal(summary.refreshes, 3);
    for (const f of ['metrics.jsonl', 'refreshes.jsonl', 'serving.jsonl', 'report.html']) assert.ok((await readdir(out)).includes(f), f);
    assert.ok((await readdir(join(out, 'models'))).some((f) => f.endsWith('.onnx')));
    const html = await readFile(join(out, 'report.html'), 'utf8');
    assert.equal((html.match(/<svg /g) ?? []).length, 4);
    assert.deepEqual(JSON.parse(r.out), summary);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad usage and bad configs exit 2 with a message that says what to change', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dp-cli-'));
  try {
    await writeFile(join(dir, 'bad.yaml'), tiny.replace('budget: 0.5', 'budget: 50'));
    let r = await capture(() => main(['run', join(dir, 'bad.yaml'), '--out', join(dir, 'o')]));
    assert.equal(r.value, 2);
    assert.match(r.err, /pruning\.budget.*write 0\.75 for 75 %/);
    r = await capture(() => main(['run', join(dir, 'bad.yaml')]));
    assert.equal(r.value, 2);
    assert.match(r.err, /--out DIR is required/);
    r = await capture(() => main(['run', join(dir, 'missing.yaml'), '--out', 'x']));
    assert.equal(r.value, 2);
    assert.match(r.err, /cannot read config file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('--data and --set override the config before validation', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dp-cli-'));
  try {
    await writeFile(join(dir, 'ml.yaml'), 'data: { source: movielens }\nparadigm: { kind: dense }\n');
    await assert.rejects(loadExperimentConfig(join(dir, 'ml.yaml')), /data\.path is required/);
    const sets = collectSets(['--set', 'data.path=/data/ml', '--set=seed=7', '--set', 'model.bottomMlp=[8, 4]']);
    const c = await loadExperimentConfig(join(dir, 'ml.yaml'), sets);
    assert.equal(c.data.path, '/data/ml');
    assert.equal(c.seed, 7);
    assert.deepEqual(c.model.bottomMlp, [8, 4]);
    // prototype paths are refused as bad input (exit 2), and nothing reaches Object.prototype
    for (const bad of ['__proto__.polluted=1', 'constructor.prototype.polluted=1', 'data.__proto__.polluted=1']) {
      assert.throws(() => collectSets(['--set', bad]), /not allowed in a config path/, bad);
      const r = await capture(() => main(['run', join(dir, 'ml.yaml'), '--out', join(dir, 'out'), '--set', bad]));
      assert.equal(r.value, 2, bad);
      assert.match(r.err, /not allowed in a config path/);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('raw millisecond dense columns: the default scaling keeps dense NE < 1; unscaled, NE >= 1 is flagged', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dp-cli-'));
  try {
    await writeFile(join(dir, 'video.csv'), heavyScaleCsv(4, 2000));
    const config = {
      name: 'heavy-scale',
      data: { source: 'csv', path: join(dir, 'video.csv'), window: 'day', batchSize: 256, hashSize: 5000, csv: HEAVY_SCALE_MAPPING },
      model: { embeddingDim: 8, bottomMlp: [32, 16], topMlp: [64, 32] },
      optimizer: { kind: 'adagrad', lr: 0.02 },
      engine: { threads: 1 },
      evaluation: { serving: { enabled: false } },
      checkpoint: { everyWindows: 0 },
      paradigm: { kind: 'dense', warmupWindows: 1 },
    };
    await writeFile(join(dir, 'c.yaml'), JSON.stringify(config));
    const run = async (scaling: string) => {
      const r = await capture(() => main(['run', join(dir, 'c.yaml'), '--out', join(dir, scaling), '--quiet', '--set', `data.denseScaling=${scaling}`]));
      assert.equal(r.value, 0, r.err);
      return { ...r, summary: JSON.parse(await readFile(join(dir, scaling, 'summary.json'), 'utf8')) };
    };
    const scaled = await run('auto');
    assert.ok(scaled.summary.meanNEDense < 0.95, `dense NE ${scaled.summary.meanNEDense}`);
    assert.deepEqual(scaled.summary.warnings, []);
    assert.doesNotMatch(scaled.err, /WARNING/);
    const raw = await run('none');
    assert.ok(raw.summary.meanNEDense >= 1, `dense NE ${raw.summary.meanNEDense}`);
    assert.equal(raw.summary.warnings[0].code, 'DENSE_NE_AT_LEAST_ONE');
    assert.match(raw.err, /WARNING DENSE_NE_AT_LEAST_ONE: the dense model's mean NE is \d+\.\d{3} \(≥ 1/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
