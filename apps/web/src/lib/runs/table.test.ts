import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configDiff, distinctValues, filterRuns, flattenConfig, groupRuns, sortRuns, varyingParams, type RunRow } from './table.js';

const row = (id: string, status: string, budget: number, seed: number, ne: number | null): RunRow => ({
  id,
  name: `run ${id}`,
  status,
  params: { 'pruning.budget': budget, seed, 'paradigm.kind': 'd2s', 'model.bottomMlp': '[512,256]' },
  metrics: { meanDeltaNEPct: ne },
});

const rows = [row('1', 'SUCCEEDED', 0.5, 1, 1.0), row('2', 'SUCCEEDED', 0.5, 2, 3.0), row('3', 'FAILED', 0.9, 1, 5.0), row('10', 'RUNNING', 0.9, 2, null)];

test('flattenConfig writes dotted paths, arrays as JSON text', () => {
  assert.deepEqual(flattenConfig({ a: { b: 1, c: [1, 2] }, d: 'x', e: null, f: true }), { 'a.b': 1, 'a.c': '[1,2]', d: 'x', e: null, f: true });
});

test('varyingParams keeps only the parameters that differ', () => {
  assert.deepEqual(varyingParams(rows), ['pruning.budget', 'seed']);
});

test('filterRuns by status, by any param value and by text', () => {
  assert.deepEqual(filterRuns(rows, { statuses: ['SUCCEEDED'] }).map((r) => r.id), ['1', '2']);
  assert.deepEqual(filterRuns(rows, { params: { 'pruning.budget': ['0.9'] } }).map((r) => r.id), ['3', '10']);
  assert.deepEqual(filterRuns(rows, { params: { 'pruning.budget': ['0.9'] }, statuses: ['FAILED'] }).map((r) => r.id), ['3']);
  assert.deepEqual(filterRuns(rows, { text: 'RUN 1' }).map((r) => r.id), ['1', '10']);
  assert.equal(filterRuns(rows, { params: { seed: [] } }).length, 4, 'an empty selection filters nothing');
});

test('sortRuns orders numbers numerically, names naturally, and puts missing values last both ways', () => {
  assert.deepEqual(sortRuns(rows, { kind: 'metric', name: 'meanDeltaNEPct' }, 'asc').map((r) => r.id), ['1', '2', '3', '10']);
  assert.deepEqual(sortRuns(rows, { kind: 'metric', name: 'meanDeltaNEPct' }, 'desc').map((r) => r.id), ['3', '2', '1', '10']);
  assert.deepEqual(sortRuns(rows, { kind: 'field', field: 'name' }, 'asc').map((r) => r.id), ['1', '2', '3', '10']);
  assert.deepEqual(sortRuns(rows, { kind: 'param', path: 'seed' }, 'asc').map((r) => r.id), ['1', '3', '2', '10'], 'ties keep input order');
});

test('groupRuns averages a metric over the seeds of each value, skipping runs without it', () => {
  const g = groupRuns(rows, 'pruning.budget', ['meanDeltaNEPct']);
  assert.deepEqual(g.map((x) => x.value), ['0.5', '0.9']);
  assert.equal(g[0].metrics.meanDeltaNEPct.mean, 2);
  assert.ok(Math.abs(g[0].metrics.meanDeltaNEPct.std - Math.SQRT2) < 1e-12);
  assert.equal(g[1].metrics.meanDeltaNEPct.n, 1);
  assert.deepEqual(g[1].statusCounts, { FAILED: 1, RUNNING: 1 });
});

test('distinctValues sorts numerically', () => {
  assert.deepEqual(distinctValues([...rows, { ...rows[0], params: { seed: 10 } }], 'seed'), ['1', '2', '10']);
});

test('configDiff lists exactly the paths whose values differ', () => {
  const d = configDiff([{ a: 1, b: { c: 2, d: [1] } }, { a: 1, b: { c: 3, d: [1] }, e: 'x' }]);
  assert.deepEqual(d, [
    { path: 'b.c', values: [2, 3] },
    { path: 'e', values: [null, 'x'] },
  ]);
});

test('a sweep run is named after its swept parameters', async () => {
  const { toRunRow } = await import('../../components/runs/run-rows.js');
  const r = toRunRow({ id: 'x', status: 'queued', progress: 0, seed: 2, config: { name: 'sweep' }, params: { 'pruning.budget': 0.5, seed: 2 }, summary: { meanDeltaNEPct: 1.5 } });
  assert.equal(r.name, 'sweep · budget=0.5 · seed 2');
  assert.equal(r.metrics.meanDeltaNEPct, 1.5);
  assert.equal(r.metrics.maxDeltaNEPct, null);
  assert.equal(r.params['pruning.budget'], undefined, 'params come from the resolved config, which has no budget here');
});
