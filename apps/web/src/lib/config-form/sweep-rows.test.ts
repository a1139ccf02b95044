import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildParameters, newRow, otherIssues, rowIssues, rowsFromParameters, suggestedCondition, isDiscriminatorRow } from './sweep-rows.js';
import { initialExperiment, previewSweep } from './state.js';

test('rows become sweep parameters with conditions and per-value settings, and come back from a sweep file', () => {
  const kind = newRow({ path: 'paradigm.kind', values: 'adaptive_d2s, prune_once', set: { prune_once: { 'paradigm.warmupWindows': 3 }, gradual: { 'paradigm.rampWindows': 2 } } });
  const tau = newRow({ path: 'paradigm.tau', values: '0.5, 2', when: [{ parent: 'paradigm.kind', values: ['adaptive_d2s'] }] });
  const lr = newRow({ path: 'optimizer.lr', mode: 'range', min: '0.001', max: '0.1', log: true });
  const params = buildParameters([kind, tau, lr, newRow()]);
  assert.deepEqual(params, {
    'paradigm.kind': { values: ['adaptive_d2s', 'prune_once'], set: { prune_once: { 'paradigm.warmupWindows': 3 } } },
    'paradigm.tau': { values: [0.5, 2], when: { 'paradigm.kind': 'adaptive_d2s' } },
    'optimizer.lr': { min: 0.001, max: 0.1, log: true, integer: false },
  });
  assert.deepEqual(buildParameters(rowsFromParameters(params)), params);
});

test('a swept option only one kind takes: the problem sits on its row, with the condition to add as the fix', () => {
  const rows = [newRow({ path: 'paradigm.kind', values: 'adaptive_d2s, prune_once' }), newRow({ path: 'paradigm.tau', values: '0.5, 2' }), newRow({ path: 'pruning.budget', values: '0.5' })];
  const preview = previewSweep({ base: initialExperiment(), parameters: buildParameters(rows) });
  assert.equal(preview.ok, false);
  if (preview.ok) return;
  assert.match(rowIssues(preview.issues, 'paradigm.tau').own[0], /only adaptive_d2s take it/);
  assert.deepEqual(rowIssues(preview.issues, 'pruning.budget').own, []);
  assert.deepEqual(otherIssues(preview.issues, rows), {});
  assert.deepEqual(suggestedCondition(rows[1], rows), { parent: 'paradigm.kind', values: ['adaptive_d2s'] });
  assert.equal(suggestedCondition(rows[2], rows), null);
  assert.ok(isDiscriminatorRow(rows[0]) && !isDiscriminatorRow(rows[1]));
  // the fix applied, the sweep expands: 2 adaptive points + 1 prune_once point
  const fixed = [rows[0], { ...rows[1], when: [{ parent: 'paradigm.kind', values: ['adaptive_d2s'] }] }, rows[2]];
  const ok = previewSweep({ base: initialExperiment(), parameters: buildParameters(fixed) });
  assert.ok(ok.ok && ok.points.length === 3);
});

test('a per-kind setting’s problem is found under its row by value and path', () => {
  const issues = { 'parameters.paradigm.kind.set.prune_once.paradigm.warmupWindows': ['too small'], 'parameters.paradigm.kind.when.x': ['no x'], seeds: ['bad'] };
  assert.deepEqual(rowIssues(issues, 'paradigm.kind'), { own: ['when.x: no x'], settings: { 'prune_once/paradigm.warmupWindows': ['too small'] } });
  assert.deepEqual(otherIssues(issues, [newRow({ path: 'paradigm.kind' })]), { seeds: ['bad'] });
});
