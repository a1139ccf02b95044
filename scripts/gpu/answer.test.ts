import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attribute } from './answer.js';

test('attribute: each sample goes to the outermost matching function on its stack; the rest is other, with its top functions', () => {
  const fn = (id: number, functionName: string, children: number[] = []) => ({ id, callFrame: { functionName }, children });
  // root → main → trainStep → runSplit ; main → servingEval → getParams ; main → describe → getParams ; root → (idle)
  const nodes = [fn(1, '(root)', [2, 8]), fn(2, 'main', [3, 5, 7]), fn(3, 'trainStep', [4]), fn(4, 'runSplit'), fn(5, 'servingEval', [6]), fn(6, 'getParams'), fn(7, 'describe', [9]), fn(8, '(idle)'), fn(9, 'getParams')];
  const samples = [4, 4, 3, 6, 9, 8, 2];
  const timeDeltas = [1e6, 1e6, 1e6, 2e6, 3e6, 5e6, 0.5e6];
  const w = attribute({ nodes, samples, timeDeltas, startTime: 0, endTime: 13.5e6 });
  assert.equal(w['training steps'], 3);
  assert.equal(w['serving evaluation'], 2, 'getParams inside the serving evaluation counts as serving');
  assert.equal(w['state readback (getParams …)'], 3);
  assert.equal(w.idle, 5);
  assert.equal(w.other, 0.5);
  assert.equal(w['other: main (self)'], 0.5);
});
