import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisPosition, pcPositions, rampColor } from './parallel.js';

test('axisPosition: numbers between bounds (log when asked), categories evenly, missing as null', () => {
  assert.ok(Math.abs(axisPosition({ key: 'b', role: 'param', kind: 'numeric', min: 0.5, max: 0.9, log: false }, 0.7)! - 0.5) < 1e-12);
  assert.ok(Math.abs(axisPosition({ key: 'lr', role: 'param', kind: 'numeric', min: 1e-4, max: 1e-2, log: true }, 1e-3)! - 0.5) < 1e-12);
  assert.equal(axisPosition({ key: 'k', role: 'param', kind: 'categorical', log: false, categories: ['a', 'b', 'c'] }, 'c'), 1);
  assert.equal(axisPosition({ key: 'k', role: 'param', kind: 'categorical', log: false, categories: ['a'] }, 'a'), 0.5);
  assert.equal(axisPosition({ key: 'm', role: 'metric', kind: 'numeric', min: 0, max: 1, log: false }, null), null);
  assert.equal(axisPosition({ key: 'm', role: 'metric', kind: 'numeric', min: 0, max: 1, log: false }, 'x'), null);
});

test('pcPositions at 1,000 runs × 8 axes stays fast', () => {
  const dims = Array.from({ length: 8 }, (_, i) => ({ key: `d${i}`, role: 'param', kind: 'numeric', min: 0, max: 1, log: false }));
  const rows = Array.from({ length: 1000 }, (_, r) => ({ values: dims.map((_, i) => ((r * 7 + i * 13) % 100) / 100) }));
  const t0 = performance.now();
  const pos = pcPositions(dims, rows);
  assert.equal(pos.length, 1000);
  assert.ok(performance.now() - t0 < 200, 'under 200 ms');
});

test('rampColor runs from blue to orange', () => {
  assert.equal(rampColor(0, 1), 'rgba(0, 114, 178, 1)');
  assert.equal(rampColor(1, 1), 'rgba(213, 94, 0, 1)');
});
