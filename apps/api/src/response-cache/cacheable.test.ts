import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { CacheableQueries } from './cacheable.js';

const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
const q = new CacheableQueries(schema);

test('project reads are cacheable: lists, one object, a metric series, fragments, aliases', () => {
  assert.equal(q.check('query($p: ID!) { experiments(projectId: $p, first: 20) { totalCount nodes { id name runCount } } }', undefined), true);
  assert.equal(q.check('query M($r: ID!) { runMetrics(runId: $r) { points { window ne } } }', 'M'), true);
  assert.equal(q.check('query { a: projects { id } b: projects { name } __typename }', undefined), true);
  assert.equal(q.check('fragment F on Query { projects { id } } query { ...F }', undefined), true);
});

test('mutations, subscriptions and clock- or credential-dependent reads are not', () => {
  assert.equal(q.check('mutation { revokeApiToken(id: "x") { id } }', undefined), false);
  assert.equal(q.check('subscription { runUpdated(projectId: "p") { id } }', undefined), false);
  assert.equal(q.check('{ workers { id } }', undefined), false);
  assert.equal(q.check('{ health { ok } }', undefined), false);
  assert.equal(q.check('{ me { user { id } } }', undefined), false);
  assert.equal(q.check('{ projects { id } apiTokens { id } }', undefined), false, 'one uncacheable root field is enough');
  assert.equal(q.check('fragment F on Query { workers { id } } query { projects { id } ...F }', undefined), false, 'through a fragment');
  assert.equal(q.check('{ __schema { types { name } } }', undefined), false);
});

test('the named operation decides; malformed or unknown documents are left to Apollo', () => {
  const doc = 'query A { projects { id } } mutation B { revokeApiToken(id: "x") { id } }';
  assert.equal(q.check(doc, 'A'), true);
  assert.equal(q.check(doc, 'B'), false);
  assert.equal(q.check(doc, undefined), false, 'ambiguous without a name');
  assert.equal(q.check('{ projects { id ', undefined), false);
  assert.equal(q.check('{ noSuchField }', undefined), false);
});
