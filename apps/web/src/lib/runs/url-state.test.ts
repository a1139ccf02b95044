import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VIEW, viewFromQuery, viewToQuery, type TableView } from './url-state.js';

test('the default view is an empty query, and an empty query reads back as the default view', () => {
  assert.equal(viewToQuery(DEFAULT_VIEW).toString(), '');
  assert.deepEqual(viewFromQuery(new URLSearchParams('')), DEFAULT_VIEW);
});

test('a view survives the round trip through the URL, values with commas and = included', () => {
  const v: TableView = {
    statuses: ['succeeded', 'failed'],
    params: { 'pruning.budget': ['0.5', '0.75'], 'model.bottomMlp': ['[32,16]'], 'data.window': ['rows=1500'], 'paradigm.kind': [] },
    text: 'tau',
    sort: { key: { kind: 'param', path: 'pruning.budget' }, dir: 'asc' },
    groupBy: 'paradigm.kind',
    columns: ['meanDeltaNEPct', 'param:seed'],
  };
  const q = viewToQuery(v);
  assert.deepEqual(viewFromQuery(new URLSearchParams(q.toString())), v);
});

test('what cannot be read falls back to the default, never throws', () => {
  const v = viewFromQuery(new URLSearchParams('status=bogus,running&sort=nope:x&dir=sideways&f=&f=__proto__=1'));
  assert.deepEqual(v.statuses, ['running']);
  assert.deepEqual(v.sort, DEFAULT_VIEW.sort);
  assert.deepEqual(Object.keys(v.params), ['__proto__']);
  assert.deepEqual(v.params['__proto__'], ['1']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
