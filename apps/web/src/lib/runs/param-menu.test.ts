import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paramLabel, paramMenu } from './param-menu.js';

test('paramLabel reads camelCase paths as words under their section', () => {
  assert.equal(paramLabel('paradigm.refresh.fineTuneTarget'), 'refresh › fine tune target');
  assert.equal(paramLabel('pruning.budget', false), 'pruning › budget');
  assert.equal(paramLabel('seed'), 'seed');
});

test('paramMenu puts what varies first, then every other parameter grouped by section', () => {
  const g = paramMenu(['data.window', 'paradigm.kind', 'paradigm.tau', 'pruning.budget', 'seed'], ['pruning.budget', 'paradigm.kind']);
  assert.deepEqual(
    g.map((x) => [x.label, x.options.map((o) => o.value)]),
    [
      ['Varies across these runs', ['paradigm.kind', 'pruning.budget']],
      ['data (same in every run)', ['data.window']],
      ['paradigm (same in every run)', ['paradigm.tau']],
      ['run (same in every run)', ['seed']],
    ],
  );
});
