import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AshaRule, ashaRungs } from './asha.js';

const rule = new AshaRule({ metric: 'deltaNe', minWindow: 2, reductionFactor: 3, minPeers: 2 });

test('rungs sit at minWindow·η^i', () => {
  assert.deepEqual(ashaRungs(2, 3, 60), [2, 6, 18, 54]);
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 18].map((w) => rule.isRung(w)), [false, true, false, false, false, true, false, true]);
});

test('asha: at a rung only the best ⌊n/η⌋ (at least one) go on', () => {
  // 5 peers + the run = 6 at the rung: the best 2 go on
  const peers = [0.1, 0.4, 0.9, 1.5, 2];
  assert.equal(rule.decide({ window: 6, value: 0.05, peers }).stop, false, 'the best');
  assert.equal(rule.decide({ window: 6, value: 0.3, peers }).stop, false, 'second best');
  const third = rule.decide({ window: 6, value: 0.5, peers });
  assert.equal(third.stop, true, 'third of six');
  assert.equal(third.threshold, 0.4);
  assert.match(third.reason, /^stopped early at window 6 by rule asha: ΔNE 0\.500 % > cut-off ΔNE 0\.400 % \(best 2 of 6 at rung 6, η=3\)$/);
  // 2 peers + the run = 3: keep 1
  assert.equal(rule.decide({ window: 2, value: 0.2, peers: [0.1, 0.3] }).stop, true);
  assert.equal(rule.decide({ window: 2, value: 0.1, peers: [0.1, 0.3] }).stop, false, 'a tie with the best goes on');
});

test('asha: off-rung windows, too few peers and no value never stop', () => {
  assert.equal(rule.decide({ window: 5, value: 99, peers: [0, 0, 0] }).stop, false);
  assert.equal(rule.decide({ window: 6, value: 99, peers: [0] }).stop, false);
  assert.equal(rule.decide({ window: 6, value: null, peers: [0, 0, 0] }).stop, false);
});
