import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sweepConfig } from '@driftprune/config';
import { planSearch, type SearchRun } from './search-plan.js';

const sweep = sweepConfig.parse({
  method: 'tpe',
  samples: 6,
  initialSamples: 2,
  seeds: [1, 2],
  base: {},
  parameters: { 'pruning.budget': { min: 0.1, max: 0.9 }, 'paradigm.kind': { values: ['d2s', 'prune_once'] } },
  objective: { metric: 'meanDeltaNEPct' },
});
const run = (budget: number, seed: number, status: SearchRun['status'], gap?: number): SearchRun => ({
  params: { 'pruning.budget': budget, 'paradigm.kind': 'd2s', seed },
  status,
  summary: gap === undefined ? null : { meanDeltaNEPct: gap },
});

test('while initialSamples points are in flight nothing new starts; each finished point frees a slot until samples', () => {
  const twoLive = [run(0.2, 1, 'running'), run(0.2, 2, 'queued'), run(0.5, 1, 'succeeded', 1), run(0.5, 2, 'running')];
  assert.deepEqual(planSearch(sweep, twoLive).proposals, []);
  const oneDone = [run(0.2, 1, 'succeeded', 2), run(0.2, 2, 'succeeded', 4), run(0.5, 1, 'succeeded', 1), run(0.5, 2, 'running')];
  const plan = planSearch(sweep, oneDone);
  assert.equal(plan.inFlight, 1);
  assert.deepEqual(plan.observations, [{ assignment: { 'pruning.budget': 0.2, 'paradigm.kind': 'd2s' }, y: 3 }], 'mean over the point’s seeds');
  assert.equal(plan.proposals.length, 1);
  assert.ok(!('seed' in plan.proposals[0]));
  assert.deepEqual(planSearch(sweep, oneDone).proposals, plan.proposals, 'deterministic');
});

test('the budget of points is never exceeded; stopped points rank worst, failed ones are left out', () => {
  const runs: SearchRun[] = [];
  for (const [i, b] of [0.1, 0.2, 0.3, 0.4, 0.5].entries()) for (const s of [1, 2]) runs.push(run(b, s, i === 3 ? 'stopped' : i === 4 ? 'failed' : 'succeeded', i === 3 || i === 4 ? undefined : i));
  const plan = planSearch(sweep, runs);
  assert.equal(plan.points, 5);
  assert.equal(plan.proposals.length, 1, 'samples 6: one more');
  const stopped = plan.observations.find((o) => o.assignment['pruning.budget'] === 0.4)!;
  assert.ok(stopped.y > Math.max(...plan.observations.filter((o) => o !== stopped).map((o) => o.y)));
  assert.equal(plan.observations.length, 4);
  runs.push(run(0.6, 1, 'succeeded', 0), run(0.6, 2, 'succeeded', 0));
  assert.deepEqual(planSearch(sweep, runs).proposals, []);
});

test('grid and random sweeps never get proposals; maximise flips the sign', () => {
  assert.deepEqual(planSearch({ ...sweep, method: 'random' }, [run(0.2, 1, 'succeeded', 1)]).proposals, []);
  const max = planSearch({ ...sweep, objective: { metric: 'meanDeltaNEPct', direction: 'maximize' } }, [run(0.2, 1, 'succeeded', 5), run(0.2, 2, 'succeeded', 7)]);
  assert.equal(max.observations[0].y, -6);
});
