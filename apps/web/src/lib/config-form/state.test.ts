import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialExperiment, paradigmDefaults, previewSweep, validateExperiment } from './state.js';
import { setPath } from '@driftprune/config';

test('the initial form value is a valid experiment', () => {
  const r = validateExperiment(initialExperiment());
  assert.equal(r.ok, true);
});

test('validation reports problems by dotted path with the schema’s own message', () => {
  let raw = initialExperiment();
  raw = setPath(raw, 'pruning.budget', 75);
  raw = setPath(raw, 'data.window', 'fortnight');
  const r = validateExperiment(raw);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.match(r.issues['pruning.budget'][0], /fraction, not a percentage/);
  assert.match(r.issues['data.window'][0], /day, week, hour or rows:N/);
});

test('switching the paradigm gives that paradigm’s defaults and keeps warm-up', () => {
  const d2s = paradigmDefaults('d2s', 3) as { kind: string; warmupWindows: number; r: number; refresh: { warmStart: boolean } };
  assert.equal(d2s.kind, 'd2s');
  assert.equal(d2s.warmupWindows, 3);
  assert.equal(d2s.r, 2);
  assert.equal(d2s.refresh.warmStart, true);
  assert.equal(paradigmDefaults('adaptive_d2s').rMax, 8);
});

test('a sweep preview counts points × seeds, and names the invalid point', () => {
  const base = initialExperiment();
  const ok = previewSweep({ base, parameters: { 'pruning.budget': { values: [0.5, 0.9] } }, seeds: [1, 2, 3] });
  assert.ok(ok.ok);
  if (ok.ok) assert.equal(ok.points.length, 6);
  const bad = previewSweep({ base, parameters: { 'pruning.budget': { values: [0.5, 90] } } });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.message, /pruning\.budget.*90/);
});
