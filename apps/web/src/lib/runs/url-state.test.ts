import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VIEW, UrlWrites, viewFromQuery, viewToQuery, type TableView } from './url-state.js';

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

test("the table's own URL writes are never followed, however late they land; navigation is", () => {
  const w = new UrlWrites('');
  assert.equal(w.write('group=k'), true);
  assert.equal(w.write('group=k&f=k'), true);
  assert.equal(w.write('group=k&f=k%3Dprune_once'), true);
  // The router lands them one by one, behind the table's state: none of them is followed.
  assert.equal(w.arrived('group=k'), false);
  assert.equal(w.arrived('group=k&f=k'), false);
  assert.equal(w.arrived('group=k&f=k%3Dprune_once'), false);
  // Back: an older URL the table did not just write is followed.
  assert.equal(w.arrived('group=k'), true);
  // A write equal to what the URL shows asks for nothing.
  assert.equal(w.write('group=k'), false);
  // An intermediate write skipped by the router is dropped once a later one lands.
  w.write('a=1');
  w.write('a=2');
  assert.equal(w.arrived('a=2'), false);
  assert.equal(w.arrived('a=1'), true, 'a=1 is no longer pending: reaching it now is navigation');
});
