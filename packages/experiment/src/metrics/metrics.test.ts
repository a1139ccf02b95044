import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auc, binaryEntropy, calibration, deltaNEPct, logLoss, normalizedEntropy, PredictionLog } from './metrics.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('log loss by hand', () => {
  // −(ln 0.8 + ln 0.6 + ln 0.9) / 3
  close(logLoss([0.8, 0.4, 0.1], [1, 0, 0]), -(Math.log(0.8) + Math.log(0.6) + Math.log(0.9)) / 3);
  assert.ok(Number.isFinite(logLoss([0], [1])));
});

test('NE is log loss over the entropy of the window CTR; predicting the base rate gives 1', () => {
  const y = [1, 0, 0, 0];
  close(binaryEntropy(0.25), -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)));
  close(normalizedEntropy([0.25, 0.25, 0.25, 0.25], y), 1);
  const p = [0.7, 0.2, 0.1, 0.3];
  close(normalizedEntropy(p, y), logLoss(p, y) / binaryEntropy(0.25));
});

test('AUC by hand, ties counted half', () => {
  // positives 0.9, 0.4; negatives 0.5, 0.1: pairs (0.9>0.5, 0.9>0.1, 0.4<0.5, 0.4>0.1) = 3/4
  close(auc([0.9, 0.5, 0.4, 0.1], [1, 0, 1, 0]), 0.75);
  close(auc([0.5, 0.5], [1, 0]), 0.5);
  close(auc([0.1, 0.9], [0, 1]), 1);
  assert.ok(Number.isNaN(auc([0.1, 0.2], [1, 1])));
});

test('calibration and ΔNE%', () => {
  close(calibration([0.2, 0.4], [1, 0]), 0.6);
  close(deltaNEPct(0.82, 0.8), 2.5, 1e-9);
});

test('the prediction log grows and summarises like the plain functions', () => {
  const log = new PredictionLog(2);
  log.add(Float32Array.from([0.9, 0.5]), Float32Array.from([1, 0]));
  log.add(Float32Array.from([0.4, 0.1, 7]), Float32Array.from([1, 0, 9]), 2);
  const s = log.summary();
  assert.equal(s.rows, 4);
  close(s.auc, 0.75);
  close(s.ne, normalizedEntropy([0.9, 0.5, 0.4, 0.1], [1, 0, 1, 0]), 1e-6);
});
