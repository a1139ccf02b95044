import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auc, binaryEntropy, calibration, countedDeltaNEPct, deltaNEPct, logLoss, normalizedEntropy, PredictionLog, windowExclusion } from './metrics.js';

const close = (a: number | null, b: number, tol = 1e-12) => assert.ok(a !== null && Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('log loss by hand', () => {
  // −(ln 0.8 + ln 0.6 + ln 0.9) / 3
  close(logLoss([0.8, 0.4, 0.1], [1, 0, 0]), -(Math.log(0.8) + Math.log(0.6) + Math.log(0.9)) / 3);
  assert.ok(Number.isFinite(logLoss([0], [1])));
});

test('NE is log loss over the entropy of the window CTR; predicting the base rate gives 1', () => {
  const y = [1, 0, 0, 0];
  close(binaryEntropy(0.25), -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)));
  close(normalizedEntropy([0.25, 0.25, 0.25, 0.25], y), 1);
  // by hand, not from logLoss/binaryEntropy (the code under test): log loss −(ln .7 + ln .8 + ln .9 + ln .7)/4 over
  // the entropy of a 25 % CTR
  const p = [0.7, 0.2, 0.1, 0.3];
  const ll = -(Math.log(0.7) + Math.log(0.8) + Math.log(0.9) + Math.log(0.7)) / 4;
  const h = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
  close(normalizedEntropy(p, y), ll / h);
  close(normalizedEntropy(p, y), 0.4631819498, 1e-9);
});

test('AUC by hand, ties counted half', () => {
  // positives 0.9, 0.4; negatives 0.5, 0.1: pairs (0.9>0.5, 0.9>0.1, 0.4<0.5, 0.4>0.1) = 3/4
  close(auc([0.9, 0.5, 0.4, 0.1], [1, 0, 1, 0]), 0.75);
  close(auc([0.5, 0.5], [1, 0]), 0.5);
  close(auc([0.1, 0.9], [0, 1]), 1);
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
  // NE of p = [0.9, 0.5, 0.4, 0.1] for y = [1, 0, 1, 0], by hand: −(ln .9 + ln .5 + ln .4 + ln .9)/4 over ln 2
  close(s.ne, -(Math.log(0.9) + Math.log(0.5) + Math.log(0.4) + Math.log(0.9)) / 4 / Math.log(2), 1e-6);
});

test('one-class windows: AUC and NE are null (not NaN, not a clipped ratio); calibration is null without a positive', () => {
  // MovieLens-100K by day, 1997-11-04: one rating, no positive. The probability clip used to give NE ≈ 2e5.
  const p = [0.3];
  const y = [0];
  assert.equal(auc(p, y), null);
  assert.equal(normalizedEntropy(p, y), null);
  assert.equal(calibration(p, y), null);
  assert.ok(Number.isFinite(logLoss(p, y)), 'log loss stays defined');
  // All positives: calibration is defined (mean(y) = 1), AUC and NE are not.
  assert.equal(auc([0.2, 0.9], [1, 1]), null);
  assert.equal(normalizedEntropy([0.2, 0.9], [1, 1]), null);
  close(calibration([0.2, 0.9], [1, 1]), 0.55);
  const s = new PredictionLog(4);
  s.add([0.3, 0.2], [0, 0]);
  assert.deepEqual(s.summary(), { rows: 2, ne: null, logLoss: logLoss([0.3, 0.2], [0, 0]), auc: null, calibration: null, excluded: 'one_class' });
  // JSON keeps the nulls (a NaN would have become null silently, a clipped NE a huge number).
  assert.equal(JSON.stringify({ ne: s.summary().ne }), '{"ne":null}');
});

test('tiny windows: every metric is defined, but fewer than minClassRows rows of the rarer class exclude the window', () => {
  const y = [1, 0, 0, 0, 0, 0];
  assert.equal(windowExclusion(y, 1), null);
  assert.equal(windowExclusion(y, 2), 'few_rows');
  assert.equal(windowExclusion([0, 0], 5), 'one_class');
  const log = new PredictionLog(8);
  log.add([0.6, 0.1, 0.2, 0.1, 0.3, 0.2], y);
  const s = log.summary(5);
  assert.equal(s.excluded, 'few_rows');
  assert.ok(s.ne !== null && s.auc !== null && s.calibration !== null);
  assert.equal(log.summary(1).excluded, undefined);
});

test('ΔNE counts only windows both models can be compared on', () => {
  close(countedDeltaNEPct({ ne: 0.82 }, { ne: 0.8 }), 2.5, 1e-9);
  assert.equal(countedDeltaNEPct({ ne: null, excluded: 'one_class' }, { ne: null, excluded: 'one_class' }), null);
  assert.equal(countedDeltaNEPct({ ne: 0.9, excluded: 'few_rows' }, { ne: 0.8, excluded: 'few_rows' }), null);
});
