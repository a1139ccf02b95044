import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getIntrospectionQuery, parse } from 'graphql';
import { DEFAULT_LIMITS, enforceLimits, measure } from './limits.js';

const code = (e: unknown) => (e as { extensions?: { code?: string } }).extensions?.code;

test('complexity multiplies list subtrees by their page size', () => {
  const doc = parse('query Q($n: Int) { experiments(projectId: "p", first: $n) { nodes { id name } } }');
  assert.deepEqual(measure(doc, 'Q', { n: 10 }), { depth: 3, complexity: 1 + 10 * (1 + 2), aliases: 0, introspection: 0 });
  assert.equal(measure(doc, 'Q', {}).complexity, 1 + 20 * 3); // schema default first = 20
});

test('fragments count, deep and huge queries are rejected with a code', () => {
  const deep = parse('{ a { b { c { d { e { f { g { h { i { j { k } } } } } } } } } } }');
  assert.equal(measure(deep, null).depth, 11);
  assert.throws(() => enforceLimits(deep, null, {}), (e: any) => e.extensions.code === 'BAD_USER_INPUT' && e.extensions.reason === 'DEPTH_LIMIT' && /depth 11/.test(e.message));
  const big = parse('fragment R on Run { metrics(maxPoints: 10000) { points { ne auc } } } { runs(projectId: "p", first: 200) { nodes { ...R } } }');
  assert.throws(() => enforceLimits(big, null, {}), /complexity \d+ exceeds/);
  const ok = parse('fragment R on Run { id status } { runs(projectId: "p", first: 50) { nodes { ...R } } }');
  assert.doesNotThrow(() => enforceLimits(ok, null, {}));
});

test('introspection fields count: 600 aliased __schema are rejected, one full introspection passes', () => {
  const attack = parse(`{ ${Array.from({ length: 600 }, (_, i) => `a${i}: __schema { types { name fields { name } } }`).join(' ')} }`);
  const cost = measure(attack, null);
  assert.equal(cost.introspection, 600);
  assert.equal(cost.aliases, 600);
  assert.ok(cost.complexity >= 600 * 5, `introspection fields are priced (${cost.complexity})`);
  assert.throws(() => enforceLimits(attack, null, {}), (e) => code(e) === 'BAD_USER_INPUT');
  // without aliases the same is still refused: __schema and __type are capped on their own
  const unaliased = parse(`{ ${Array.from({ length: 3 }, () => '__schema { queryType { name } }').join(' ')} }`);
  assert.throws(() => enforceLimits(unaliased, null, {}), /__schema\/__type 3 times/);
  // GraphiQL's introspection query (deep ofType chains) is within every limit
  const full = enforceLimits(parse(getIntrospectionQuery()), null, {});
  assert.equal(full.introspection, 1);
  assert.ok(full.depth <= DEFAULT_LIMITS.maxDepth);
  // __typename is a field like any other
  assert.equal(measure(parse(`{ ${Array.from({ length: 100 }, () => '__typename').join(' ')} }`), null).complexity, 100);
});

test('aliases are capped per operation, counted wherever a fragment is spread', () => {
  const frag = Array.from({ length: 10 }, (_, i) => `x${i}: id`).join(' ');
  const doc = parse(`fragment F on Run { ${frag} } { run(id: "r") { ...F } b: run(id: "s") { ...F } c: run(id: "t") { ...F } }`);
  assert.equal(measure(doc, null).aliases, 32);
  assert.throws(() => enforceLimits(doc, null, {}), /32 aliased fields; the limit is 30/);
  assert.doesNotThrow(() => enforceLimits(parse('{ a: projects { id } b: projects { id } }'), null, {}));
});

test('a chain of fragments that each spread the next twice is measured in linear time', () => {
  const n = 40; // 2^40 expanded fields: exponential measuring would never finish
  const defs = Array.from({ length: n }, (_, i) => (i < n - 1 ? `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }` : `fragment F${i} on Query { __typename }`));
  const t0 = performance.now();
  const cost = measure(parse(`{ ...F0 } ${defs.join(' ')}`), null);
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(cost.complexity, 2 ** (n - 1));
  assert.throws(() => enforceLimits(parse(`{ ...F0 } ${defs.join(' ')}`), null, {}), /complexity/);
});
