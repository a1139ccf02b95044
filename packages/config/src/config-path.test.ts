import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, configPathProblem, expandSweep, getPath, parseYamlText, setPath } from './index.js';

const minimal = { data: { source: 'synthetic' }, paradigm: { kind: 'adaptive_d2s' }, pruning: { budget: 0.75 } };
const HOSTILE = ['__proto__.polluted', 'constructor.prototype.polluted', 'pruning.__proto__.x', 'a.prototype', '__proto__', 'constructor'];

/** Fails the test if anything reached Object.prototype, and cleans up so later tests are unaffected. */
function assertPrototypeClean(): void {
  const leaked = ['polluted', 'x', 'prototype'].filter((k) => Object.hasOwn(Object.prototype, k));
  for (const k of leaked) delete (Object.prototype as Record<string, unknown>)[k];
  assert.deepEqual(leaked, [], 'Object.prototype was modified');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
}

test('setPath refuses prototype segments with a ConfigError and changes nothing', () => {
  for (const path of HOSTILE) {
    const obj = { pruning: { budget: 0.5 } };
    assert.throws(() => setPath(obj, path, 1), (e: unknown) => e instanceof ConfigError && /not allowed in a config path/.test(e.message), path);
    assert.deepEqual(obj, { pruning: { budget: 0.5 } });
  }
  assertPrototypeClean();
});

test('setPath refuses malformed paths and sets ordinary ones on a copy', () => {
  for (const path of ['', 'a..b', '.a', 'a.', '1a', 'a b', 'a.b-c', Array.from({ length: 17 }, () => 'a').join('.')])
    assert.throws(() => setPath({}, path, 1), ConfigError, JSON.stringify(path));
  const obj = { pruning: { budget: 0.5 }, model: 3 };
  const out = setPath(obj, 'model.embeddingDim', 8);
  assert.deepEqual(out, { pruning: { budget: 0.5 }, model: { embeddingDim: 8 } }, 'a scalar on the way is replaced by an object');
  assert.deepEqual(setPath(obj, 'pruning.budget', 0.9), { pruning: { budget: 0.9 }, model: 3 });
  assert.deepEqual(obj, { pruning: { budget: 0.5 }, model: 3 }, 'the input is not changed');
});

test('setPath follows own properties only: an inherited member is not written through', () => {
  // JSON and YAML give own "__proto__" keys; setting beside them stays on the copy
  const fromJson = JSON.parse('{"__proto__": {"x": 1}, "a": {}}') as Record<string, unknown>;
  const out = setPath(fromJson, 'a.b', 2);
  assert.deepEqual(out.a, { b: 2 });
  // "toString" is inherited by every object: the path creates an own object instead of writing into Function
  const t = setPath({}, 'toString.x', 1);
  assert.deepEqual(Object.getOwnPropertyDescriptor(t, 'toString')?.value, { x: 1 });
  assert.equal(typeof ({} as { toString: unknown }).toString, 'function');
  assertPrototypeClean();
});

test('getPath reads own properties only and answers undefined for prototype paths', () => {
  assert.equal(getPath({ a: { b: 2 } }, 'a.b'), 2);
  assert.equal(getPath({}, 'toString'), undefined);
  assert.equal(getPath({}, 'constructor.name'), undefined);
  assert.equal(getPath({ a: 1 }, '__proto__'), undefined);
  assert.equal(getPath({ a: 1 }, 'a.b'), undefined);
});

test('configPathProblem names the refused segment', () => {
  assert.equal(configPathProblem('pruning.budget'), null);
  assert.match(configPathProblem('a.__proto__.b') ?? '', /"__proto__" is not allowed/);
  assert.match(configPathProblem('constructor') ?? '', /"constructor" is not allowed/);
});

test('a sweep over a prototype path is invalid input, before any point is built', () => {
  for (const path of HOSTILE)
    assert.throws(
      () => expandSweep({ base: minimal, parameters: { [path]: { values: [1] } } }),
      (e: unknown) => e instanceof ConfigError && e.issues.some((i) => /not allowed in a config path/.test(i.message)),
      path,
    );
  // the same sweep as YAML text, whose "__proto__" keys are own properties
  const yaml = parseYamlText('base: { data: { source: synthetic }, paradigm: { kind: dense } }\nparameters:\n  __proto__.polluted: { values: [1] }\n');
  assert.throws(() => expandSweep(yaml), ConfigError);
  assertPrototypeClean();
});
