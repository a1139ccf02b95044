import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sweepParameter } from '@driftprune/config';
import { parallelCoordinates } from './parallel-coordinates.js';

test('one axis per parameter and metric, one row per run aligned with the axes', () => {
  const parameters = {
    'paradigm.kind': sweepParameter.parse({ values: ['adaptive_d2s', 'prune_once'] }),
    'paradigm.tau': sweepParameter.parse({ values: [0.5, 2], when: { 'paradigm.kind': 'adaptive_d2s' } }),
    'optimizer.lr': sweepParameter.parse({ min: 0.001, max: 0.1, log: true }),
  };
  const { dimensions, rows } = parallelCoordinates(parameters, ['meanDeltaNEPct'], [
    { runId: 'r1', params: { 'paradigm.kind': 'adaptive_d2s', 'paradigm.tau': 2, 'optimizer.lr': 0.01 }, metrics: { meanDeltaNEPct: 1.5 } },
    { runId: 'r2', params: { 'paradigm.kind': 'prune_once', 'optimizer.lr': 0.05 }, metrics: { meanDeltaNEPct: null } },
    { runId: 'r3', params: { 'paradigm.kind': 'prune_once', 'optimizer.lr': 0.002 }, metrics: { meanDeltaNEPct: -0.5 } },
  ]);
  assert.deepEqual(
    dimensions.map((d) => [d.key, d.role, d.kind, d.min, d.max, d.log, d.categories]),
    [
      ['paradigm.kind', 'param', 'categorical', null, null, false, ['adaptive_d2s', 'prune_once']],
      ['paradigm.tau', 'param', 'numeric', 0.5, 2, false, null],
      ['optimizer.lr', 'param', 'numeric', 0.001, 0.1, true, null],
      ['meanDeltaNEPct', 'metric', 'numeric', -0.5, 1.5, false, null],
    ],
  );
  assert.deepEqual(rows[1], { runId: 'r2', values: ['prune_once', null, 0.05, null] });
});
