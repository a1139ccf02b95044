import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMeanStd, formatNumber, meanStd } from './stats.js';

test('meanStd uses the sample standard deviation and skips non-finite values', () => {
  const m = meanStd([2, 4, 4, 4, 5, 5, 7, 9, Number.NaN, null, undefined, Infinity]);
  assert.equal(m.n, 8);
  assert.equal(m.mean, 5);
  // Sample variance of that classic set is 32/7.
  assert.ok(Math.abs(m.std - Math.sqrt(32 / 7)) < 1e-12);
});

test('meanStd of one value has std 0 and of none is NaN', () => {
  assert.deepEqual(meanStd([3]), { mean: 3, std: 0, n: 1 });
  const e = meanStd([]);
  assert.equal(e.n, 0);
  assert.ok(Number.isNaN(e.mean));
});

test('formatMeanStd shows n, and a single seed without a spread', () => {
  assert.equal(formatMeanStd({ mean: 1.23456, std: 0.01, n: 3 }), '1.235 ± 0.010 (n=3)');
  assert.equal(formatMeanStd({ mean: 2, std: 0, n: 1 }), '2 (n=1)');
  assert.equal(formatMeanStd({ mean: Number.NaN, std: Number.NaN, n: 0 }), '—');
});

test('formatNumber switches to exponent form for very large and small magnitudes', () => {
  assert.equal(formatNumber(1234567), '1.23e+6');
  assert.equal(formatNumber(0.0001234), '1.23e-4');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(null), '—');
  assert.equal(formatNumber(-Infinity), '−∞');
});
