import { test } from 'node:test';
import assert from 'node:assert/strict';
import { experimentConfig, PARADIGMS, SOURCE_KINDS, sweepConfig } from '@driftprune/config';
import { describeObject, leafPaths, parseNumberList, parseScalar, type FieldSpec } from './fields.js';
import { PARADIGM_HELP, helpFor } from './help.js';

const fields = describeObject(experimentConfig);
const find = (fs: FieldSpec[], path: string): FieldSpec | undefined => {
  for (const f of fs) {
    if (f.path === path) return f;
    if (f.kind === 'group') {
      const g = find(f.fields, path);
      if (g) return g;
    }
    if (f.kind === 'variant') for (const v of f.variants) {
      const g = find(v.fields, path);
      if (g) return g;
    }
  }
  return undefined;
};

test('the form reads bounds, integers and defaults from the schema', () => {
  const budget = find(fields, 'pruning.budget');
  assert.equal(budget?.kind, 'number');
  if (budget?.kind !== 'number') return;
  assert.equal(budget.min, 0);
  assert.equal(budget.minExclusive, true);
  assert.equal(budget.max, 1);
  assert.equal(budget.maxExclusive, true);
  assert.equal(budget.optional, false);
  const bs = find(fields, 'data.batchSize');
  assert.ok(bs?.kind === 'number' && bs.integer && bs.defaultValue === 512 && bs.max === 1 << 20);
});

test('enums, lists and unions map to the right controls', () => {
  assert.deepEqual((find(fields, 'data.source') as { options: string[] }).options, [...SOURCE_KINDS]);
  assert.equal(find(fields, 'model.bottomMlp')?.kind, 'numberList');
  assert.equal(find(fields, 'data.hashSize')?.kind, 'numberOrList');
  assert.equal(find(fields, 'data.csv.dense')?.kind, 'stringList');
  assert.equal(find(fields, 'data.shuffleWithinWindow')?.kind, 'boolean');
  assert.equal((find(fields, 'data.window') as { pattern?: string }).pattern, '^(day|week|hour|rows:[1-9][0-9]*)$');
});

test('the paradigm is a variant with one option set per kind, each paradigm explained', () => {
  const p = fields.find((f) => f.path === 'paradigm');
  assert.ok(p && p.kind === 'variant');
  if (p.kind !== 'variant') return;
  assert.equal(p.discriminator, 'kind');
  assert.deepEqual(p.variants.map((v) => v.value), [...PARADIGMS]);
  const adaptive = p.variants.find((v) => v.value === 'adaptive_d2s')!;
  for (const k of ['warmupWindows', 'tau', 'jaccardBound', 'rMin', 'rMax', 'refresh']) assert.ok(adaptive.fields.some((f) => f.key === k), k);
  for (const k of PARADIGMS) assert.ok(PARADIGM_HELP[k], `paradigm ${k} has an explanation`);
  for (const v of p.variants)
    for (const f of v.fields) {
      const leaves = f.kind === 'group' ? f.fields.map((g) => g.path) : [f.path];
      for (const l of leaves) assert.ok(helpFor(l, v.value), `${v.value}: ${l} is explained`);
    }
  assert.notEqual(helpFor('paradigm.r', 'd2s'), helpFor('paradigm.r', 'sparse_regrow'));
});

test('every leaf of the experiment schema is offered as a sweep parameter', () => {
  const leaves = leafPaths(fields);
  for (const p of ['pruning.budget', 'paradigm.kind', 'paradigm.tau', 'data.synthetic.driftStd', 'seed']) assert.ok(leaves.includes(p), p);
  const sweepFields = describeObject(sweepConfig);
  assert.deepEqual(sweepFields.map((f) => f.key), ['name', 'method', 'base', 'parameters', 'seeds', 'samples', 'searchSeed', 'initialSamples', 'objective', 'earlyStopping']);
});

test('text parsing of lists and scalars', () => {
  assert.deepEqual(parseNumberList('512, 256 64'), [512, 256, 64]);
  assert.equal(parseNumberList('512, x'), null);
  assert.deepEqual(parseNumberList(''), []);
  assert.equal(parseScalar(' 0.5 '), 0.5);
  assert.equal(parseScalar('true'), true);
  assert.equal(parseScalar('d2s'), 'd2s');
});
