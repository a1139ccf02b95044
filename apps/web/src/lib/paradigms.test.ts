import assert from 'node:assert/strict';
import { test } from 'node:test';
import { experimentParadigms } from './paradigms.js';

test('an experiment whose sweep swept paradigm.kind shows every kind, not only its base config’s', () => {
  assert.deepEqual(experimentParadigms({ paradigm: 'prune_once', paradigms: ['adaptive_d2s', 'd2s', 'prune_once'] }), ['adaptive_d2s', 'd2s', 'prune_once']);
  assert.deepEqual(experimentParadigms({ paradigm: 'dense', paradigms: ['dense'] }), ['dense']);
  assert.deepEqual(experimentParadigms({ paradigm: 'gradual', paradigms: [] }), ['gradual']);
});
