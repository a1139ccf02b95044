import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'graphql';
import { enforceLimits, measure } from './limits.js';

test('complexity multiplies list subtrees by their page size', () => {
  const doc = parse('query Q($n: Int) { experiments(projectId: "p", first: $n) { nodes { id name } } }');
  assert.deepEqual(measure(doc, 'Q', { n: 10 }), { depth: 3, complexity: 1 + 10 * (1 + 2) });
  assert.equal(measure(doc, 'Q', {}).complexity, 1 + 20 * 3); // schema default first = 20
});

test('fragments count, deep and huge queries are rejected with a code', () => {
  const deep = parse('{ a { b { c { d { e { f { g { h { i { j { k } } } } } } } } } } }');
  assert.equal(measure(deep, null).depth, 11);
  assert.throws(() => enforceLimits(deep, null, {}), (e: any) => e.extensions.code === 'GRAPHQL_VALIDATION_FAILED' && /depth 11/.test(e.message));
  const big = parse('fragment R on Run { metrics(maxPoints: 10000) { points { ne auc } } } { runs(projectId: "p", first: 200) { nodes { ...R } } }');
  assert.throws(() => enforceLimits(big, null, {}), /complexity \d+ exceeds/);
  const ok = parse('fragment R on Run { id status } { runs(projectId: "p", first: 50) { nodes { ...R } } }');
  assert.doesNotThrow(() => enforceLimits(ok, null, {}));
});
