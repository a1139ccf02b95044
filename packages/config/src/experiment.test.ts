import { test } from 'node:test';
import assert from 'node:assert/strict';
import { experimentConfig, parseConfig, ConfigError, expandSweep, dashboardOrigins, estimateRunSize, loadEnv, loadEnvFields } from './index.js';

const minimal = { data: { source: 'synthetic' }, paradigm: { kind: 'adaptive_d2s' }, pruning: { budget: 0.75 } };

test('a minimal config gets the documented defaults', () => {
  const c = parseConfig(experimentConfig, minimal);
  assert.equal(c.data.batchSize, 512);
  assert.equal(c.model.embeddingDim, 16);
  assert.equal(c.optimizer.kind, 'adagrad');
  assert.equal(c.pruning?.allocation, 'greedy');
  assert.equal(c.paradigm.kind, 'adaptive_d2s');
  if (c.paradigm.kind === 'adaptive_d2s') assert.ok(c.paradigm.rMin <= c.paradigm.rMax);
});

test('a percentage written as a budget is rejected with the fix in the message', () => {
  assert.throws(
    () => parseConfig(experimentConfig, { ...minimal, pruning: { budget: 75 } }),
    (e: unknown) => e instanceof ConfigError && /write 0\.75 for 75 %/.test(e.message) && e.issues[0].path === 'pruning.budget',
  );
});

test('unknown paradigms, unknown keys and missing pruning are each named', () => {
  assert.throws(() => parseConfig(experimentConfig, { ...minimal, paradigm: { kind: 'magic' } }), /paradigm\.kind/);
  assert.throws(() => parseConfig(experimentConfig, { ...minimal, lerning_rate: 1 }), /lerning_rate/);
  assert.throws(() => parseConfig(experimentConfig, { data: { source: 'synthetic' }, paradigm: { kind: 'd2s' } }), /pruning.*required/);
  assert.throws(() => parseConfig(experimentConfig, { ...minimal, data: { source: 'criteo' } }), /data\.path is required/);
  assert.throws(() => parseConfig(experimentConfig, { ...minimal, data: { source: 'synthetic', window: 'fortnight' } }), /window must be/);
});

test('a grid sweep expands to the product of its values times seeds, each config valid', () => {
  const pts = expandSweep({ base: minimal, parameters: { 'pruning.budget': { values: [0.5, 0.75, 0.9] }, 'paradigm.kind': { values: ['d2s', 'prune_once'] } }, seeds: [1, 2] });
  assert.equal(pts.length, 12);
  assert.deepEqual(new Set(pts.map((p) => p.config.pruning?.budget)), new Set([0.5, 0.75, 0.9]));
  assert.ok(pts.every((p) => p.config.seed === p.seed));
});

test('a random sweep is deterministic in its search seed and stays inside ranges', () => {
  const s = { base: minimal, method: 'random', samples: 20, parameters: { 'optimizer.lr': { min: 1e-4, max: 1e-1, log: true } } };
  const a = expandSweep(s).map((p) => p.config.optimizer.lr);
  const b = expandSweep(s).map((p) => p.config.optimizer.lr);
  assert.deepEqual(a, b);
  assert.ok(a.every((lr) => lr >= 1e-4 && lr <= 1e-1));
  assert.ok(new Set(a).size > 10);
});

test('a sweep point that makes the config invalid is reported with its parameters', () => {
  assert.throws(() => expandSweep({ base: minimal, parameters: { 'pruning.budget': { values: [0.5, 2] } } }), /sweep point \{"pruning.budget":2\}/);
});

test('env: defaults apply and a bad URL is refused by name', () => {
  assert.equal(loadEnv({}).API_PORT, 4000);
  assert.throws(() => loadEnv({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL must be a postgresql/);
});

test('env: the dashboard origins default to the local dashboard; CORS_ORIGINS takes origins only', () => {
  assert.deepEqual(dashboardOrigins(loadEnv({ WEB_PORT: '3100' })), ['http://127.0.0.1:3100', 'http://localhost:3100']);
  assert.deepEqual(dashboardOrigins(loadEnv({ CORS_ORIGINS: 'https://dash.example.com, http://10.0.0.5:3000' })), ['https://dash.example.com', 'http://10.0.0.5:3000']);
  for (const bad of ['*', 'https://dash.example.com/', 'https://dash.example.com/app', 'dash.example.com', 'ftp://x.example'])
    assert.throws(() => loadEnv({ CORS_ORIGINS: bad }), /CORS_ORIGINS must be comma-separated origins/, bad);
});

test('loadEnvFields validates only the variables asked for, with the same defaults and messages', () => {
  assert.deepEqual(loadEnvFields(['PUBLIC_API_URL', 'LOCAL_MODE'], { DATABASE_URL: 'mysql://ignored', LOCAL_MODE: 'true' }), { PUBLIC_API_URL: 'http://127.0.0.1:4000/graphql', LOCAL_MODE: true });
  assert.throws(() => loadEnvFields(['PUBLIC_API_URL'], { PUBLIC_API_URL: 'not a url' }), /PUBLIC_API_URL/);
});

test('every example experiment config (examples/*.yaml but sweeps) is valid', async () => {
  const { readdir, readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { parseYamlText } = await import('./index.js');
  const dir = join(import.meta.dirname, '..', '..', '..', 'examples');
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('sweep-'));
  assert.ok(files.includes('synthetic-learnable-dense.yaml') && files.includes('clicks-dense.yaml'));
  for (const f of files) {
    const raw = parseYamlText(await readFile(join(dir, f), 'utf8'), f) as { data: Record<string, unknown> };
    // Real-data examples leave data.path to the command line (--data).
    const c = parseConfig(experimentConfig, { ...raw, data: { path: '/data', ...raw.data } }, f);
    assert.ok(c.name, f);
  }
});

test('run size: hashSize 1e8, three 65,536-wide layers, maxWindows 1e15 and too many rows are refused, each message naming its limit', () => {
  const refused = (over: Record<string, unknown>, path: string, limit: RegExp) =>
    assert.throws(
      () => parseConfig(experimentConfig, { ...minimal, ...over }),
      (e: unknown) => e instanceof ConfigError && e.issues.some((i) => i.path === path && limit.test(i.message)),
      `${path} ${limit}`,
    );
  refused({ data: { source: 'synthetic', hashSize: 1e8 } }, 'data.hashSize', /at most 16,777,216/);
  refused({ data: { source: 'synthetic', hashSize: [10, 1e8] } }, 'data.hashSize.1', /at most 16,777,216/);
  refused({ model: { bottomMlp: [65_536, 65_536, 65_536] } }, 'model.bottomMlp.0', /at most 16,384/);
  refused({ model: { topMlp: Array(17).fill(8) } }, 'model.topMlp', /at most 16 layers/);
  refused({ data: { source: 'synthetic', maxWindows: 1e15 } }, 'data.maxWindows', /at most 100,000/);
  refused({ data: { source: 'criteo', path: 'x', maxRowsPerWindow: 1e12 } }, 'data.maxRowsPerWindow', /at most 100,000,000/);
  // each layer within its limit, the whole model not: 3 × 16,384² ≈ 8e8 parameters
  refused({ model: { bottomMlp: [16_384, 16_384, 16_384] } }, 'model', /parameters .* at most 1\.34e\+8 \(2\^27/);
  // 26 fields × 2^24 rows × 16 = 7e9 embedding values
  refused({ data: { source: 'synthetic', hashSize: 2 ** 24 } }, 'model', /embeddings 6\.98e\+9/);
  refused({ data: { source: 'synthetic', synthetic: { windows: 100_000, rowsPerWindow: 100_000 } } }, 'data', /1\.00e\+10 rows .* at most 1\.00e\+9/);
  refused({ data: { source: 'criteo', path: 'x', maxWindows: 1000, maxRowsPerWindow: 10_000_000 } }, 'data', /rows .* at most 1\.00e\+9/);
  refused({ runBudget: { wallSec: 0 } }, 'runBudget.wallSec', /> 0/);
});

test('run size: the defaults, the examples’ sizes and unknown-row file streams fit; the estimate follows the DLRM shape', () => {
  const c = parseConfig(experimentConfig, minimal);
  const s = estimateRunSize(c);
  // synthetic defaults: 26 fields × 100,000 rows × 16, bottom 13→512→256→64→16, top (16 + 27·26/2 = 367)→512→256→1
  assert.equal(s.embeddingParameters, 26 * 100_000 * 16);
  const mlp = (w: number[]) => w.slice(1).reduce((a, o, i) => a + w[i] * o + o, 0);
  assert.equal(s.mlpParameters, mlp([13, 512, 256, 64, 16]) + mlp([367, 512, 256, 1]));
  assert.equal(s.trainingRows, 24 * 20_000);
  assert.equal(s.liveModels, 2);
  // weight, gradient, adagrad slot, mask, Taylor: 5 float32 per value, 2 live models
  assert.equal(s.modelBytes, 4 * s.parameters * 5 * 2);
  const file = estimateRunSize(parseConfig(experimentConfig, { ...minimal, data: { source: 'criteo', path: 'x', hashSize: 100_000 } }));
  assert.equal(file.trainingRows, null);
  assert.equal(file.numFields, 26);
  assert.doesNotThrow(() => parseConfig(experimentConfig, { ...minimal, runBudget: { wallSec: 60, memoryMb: 512 } }));
});
