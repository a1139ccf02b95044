import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MedianRule } from './median.js';

const rule = new MedianRule({ metric: 'deltaNe', minWindow: 2, minPeers: 3 });

test('median rule: stops a run worse than the peers’ median at the window, keeps one at or below it', () => {
  const worse = rule.decide({ window: 3, value: 2.5, peers: [0.5, 1, 1.5, 9] });
  assert.equal(worse.stop, true);
  assert.equal(worse.threshold, 1.25);
  assert.equal(worse.peers, 4);
  assert.match(worse.reason, /^stopped early at window 3 by rule median: ΔNE 2\.500 % > median ΔNE 1\.250 % of 4 peers$/);
  const atMedian = rule.decide({ window: 3, value: 1, peers: [0.5, 1, 1.5] });
  assert.equal(atMedian.stop, false, 'equal to the median is not worse');
  assert.equal(rule.decide({ window: 3, value: -0.2, peers: [0.5, 1, 1.5] }).stop, false);
});

test('median rule: never before minWindow, with too few peers, or without a value of its own', () => {
  assert.equal(rule.decide({ window: 1, value: 100, peers: [0, 0, 0, 0] }).stop, false);
  const few = rule.decide({ window: 5, value: 100, peers: [0, 0] });
  assert.equal(few.stop, false);
  assert.match(few.reason, /needs 3/);
  assert.equal(rule.decide({ window: 5, value: null, peers: [0, 0, 0] }).stop, false);
});

test('median rule on NE names the metric', () => {
  const r = new MedianRule({ metric: 'ne', minWindow: 0, minPeers: 1 }).decide({ window: 0, value: 0.9, peers: [0.8] });
  assert.equal(r.stop, true);
  assert.match(r.reason, /NE 0\.9000 > median NE 0\.8000 of 1 peers/);
});
