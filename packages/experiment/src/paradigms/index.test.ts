import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PARADIGMS } from '@driftprune/config';
import { paradigmConfig } from '../triggers/test-support.js';
import { createParadigm, PARADIGM_FACTORIES } from './index.js';

test('every paradigm of the config schema has a factory that builds a paradigm of that kind', () => {
  assert.deepEqual(Object.keys(PARADIGM_FACTORIES).sort(), [...PARADIGMS].sort());
  for (const kind of PARADIGMS) assert.equal(createParadigm(paradigmConfig({ kind })).kind, kind);
  assert.throws(() => createParadigm({ kind: 'nope' } as never), /unknown paradigm 'nope'/);
});
