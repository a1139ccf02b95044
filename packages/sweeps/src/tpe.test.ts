import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sweepParameter, type SweepParameter } from '@driftprune/config';
import { Rng } from '@driftprune/data/random';
import { proposeTpe, randomAssignment, type TpeObservation } from './tpe.js';

const space: Record<string, SweepParameter> = {
  x: sweepParameter.parse({ min: 0, max: 1 }),
  lr: sweepParameter.parse({ min: 0.0001, max: 1, log: true }),
  kind: sweepParameter.parse({ values: ['a', 'b', 'c', 'd'] }),
  tau: sweepParameter.parse({ min: 0.1, max: 4, when: { kind: 'b' } }),
};
/** A toy objective with its minimum 0 at x = 0.3, lr = 0.01, kind b, tau = 1. */
function toy(a: Record<string, unknown>): number {
  const kindCost = { a: 0.5, b: 0, c: 0.3, d: 0.6 }[a.kind as string]!;
  const tau = a.kind === 'b' ? (((a.tau as number) - 1) / 4) ** 2 : 0;
  return ((a.x as number) - 0.3) ** 2 + (Math.log10(a.lr as number) + 2) ** 2 / 16 + kindCost + tau;
}

const BUDGET = 40;
const STARTUP = 10;

function bestOfRandom(seed: number): number {
  const rng = new Rng(seed);
  let best = Infinity;
  for (let i = 0; i < BUDGET; i++) best = Math.min(best, toy(randomAssignment(space, rng)));
  return best;
}

function bestOfTpe(seed: number): number {
  const rng = new Rng(seed);
  const history: TpeObservation[] = [];
  for (let i = 0; i < BUDGET; i++) {
    const a = i < STARTUP ? randomAssignment(space, rng) : proposeTpe(space, history, { seed });
    history.push({ assignment: a, y: toy(a) });
  }
  return Math.min(...history.map((h) => h.y));
}

test('TPE beats random search on a toy objective over 30 seeds at the same budget (40 evaluations)', () => {
  const seeds = Array.from({ length: 30 }, (_, i) => i + 1);
  const tpe = seeds.map(bestOfTpe);
  const rnd = seeds.map(bestOfRandom);
  const wins = seeds.filter((_, i) => tpe[i] < rnd[i]).length;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  // deterministic: these numbers are the same on every run
  assert.ok(wins >= 22, `TPE better on ${wins}/30 seeds (mean best ${mean(tpe).toFixed(4)} vs random ${mean(rnd).toFixed(4)})`);
  assert.ok(mean(tpe) < 0.9 * mean(rnd), `mean best ${mean(tpe).toFixed(4)} vs random ${mean(rnd).toFixed(4)}`);
  console.log(`TPE vs random, 30 seeds, 40 evaluations: TPE better on ${wins}/30; mean best ${mean(tpe).toFixed(4)} vs ${mean(rnd).toFixed(4)}`);
});

test('a proposal is deterministic in (seed, history), respects bounds, types and conditions', () => {
  const rng = new Rng(5);
  const history = Array.from({ length: 12 }, () => {
    const a = randomAssignment(space, rng);
    return { assignment: a, y: toy(a) };
  });
  const p1 = proposeTpe(space, history, { seed: 9 });
  const p2 = proposeTpe(space, history, { seed: 9 });
  assert.deepEqual(p1, p2);
  assert.notDeepEqual(proposeTpe(space, history, { seed: 10 }), p1);
  for (let s = 0; s < 50; s++) {
    const p = proposeTpe(space, history, { seed: s });
    assert.ok((p.x as number) >= 0 && (p.x as number) <= 1);
    assert.ok((p.lr as number) >= 0.0001 && (p.lr as number) <= 1);
    assert.ok(['a', 'b', 'c', 'd'].includes(p.kind as string));
    assert.equal('tau' in p, p.kind === 'b', 'tau only where kind b');
  }
  const ints = { n: sweepParameter.parse({ min: 1, max: 9, integer: true }) };
  const h = [1, 3, 5, 7, 9].map((n) => ({ assignment: { n }, y: Math.abs(n - 4) }));
  assert.ok(Number.isInteger(proposeTpe(ints, h, { seed: 1 }).n));
});
