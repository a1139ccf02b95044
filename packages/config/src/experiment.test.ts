import { test } from 'node:test';
import assert from 'node:assert/strict';
import { experimentConfig, parseConfig, ConfigError, expandSweep, dashboardOrigins, loadEnv, loadEnvFields } from './index.js';

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
