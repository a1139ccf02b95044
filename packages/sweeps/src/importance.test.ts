import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '@driftprune/data/random';
import { parameterImportance } from './importance.js';

test('the parameter that drives the objective ranks first; a noise parameter explains ~nothing', () => {
  const rng = new Rng(7);
  const runs = Array.from({ length: 400 }, () => {
    const budget = [0.5, 0.75, 0.9][rng.int(3)];
    const lr = Math.exp(Math.log(0.001) + rng.next() * Math.log(100));
    const kind = ['a', 'b'][rng.int(2)];
    return { params: { 'pruning.budget': budget, 'optimizer.lr': lr, 'paradigm.kind': kind }, y: 10 * budget + (kind === 'b' ? 1 : 0) + 0.2 * rng.gaussian() };
  });
  const imp = parameterImportance(runs, ['paradigm.kind', 'optimizer.lr', 'pruning.budget']);
  assert.deepEqual(imp.map((p) => p.path), ['pruning.budget', 'paradigm.kind', 'optimizer.lr']);
  assert.ok(imp[0].importance > 0.8, `budget ω² ${imp[0].importance}`);
  const lr = imp.find((p) => p.path === 'optimizer.lr')!;
  assert.ok(lr.importance < 0.05 && lr.importance < imp[1].importance / 2, `lr ω² ${lr.importance}`);
  assert.ok(lr.etaSquared > lr.importance, 'raw η² is inflated by its 8 levels');
  assert.equal(imp.find((p) => p.path === 'optimizer.lr')!.levels.length, 8, 'a range is binned');
  assert.ok(Math.abs(imp.reduce((s, p) => s + p.share, 0) - 1) < 1e-12);
});

test('exact η² on a small table; a conditional parameter gets an (unset) level; constant objective gives 0', () => {
  const runs = [
    { params: { k: 'x', t: 1 }, y: 1 },
    { params: { k: 'x', t: 2 }, y: 3 },
    { params: { k: 'y' }, y: 5 },
    { params: { k: 'y' }, y: 7 },
  ];
  const all = parameterImportance(runs, ['k', 't']);
  const by = Object.fromEntries(all.map((p) => [p.path, p]));
  // grand mean 4, SS_total 20; k: groups 2 and 6 → SS_between 16 → 0.8
  assert.ok(Math.abs(by.k.etaSquared - 0.8) < 1e-12);
  // ω²: MSE_within = (20 − 16)/(4 − 2) = 2 → (16 − 2)/(20 + 2)
  assert.ok(Math.abs(by.k.importance - 14 / 22) < 1e-12);
  // t: levels 1 (y 1), 2 (y 3), (unset) (y 6, 6) → SS_between 9 + 1 + 8 = 18 → 0.9: t ranks first
  assert.ok(Math.abs(by.t.etaSquared - 0.9) < 1e-12);
  assert.deepEqual(all.map((p) => p.path), ['t', 'k']);
  assert.deepEqual(all[0].levels.map((l) => l.label).sort(), ['(unset)', '1', '2']);
  assert.ok(parameterImportance(runs.map((r) => ({ ...r, y: 2 })), ['k']).every((p) => p.importance === 0));
});

test('1,000 runs × 6 parameters: measured (the machine is shared, so only a pathological time fails)', () => {
  const rng = new Rng(3);
  const runs = Array.from({ length: 1_000 }, () => ({ params: Object.fromEntries(Array.from({ length: 6 }, (_, j) => [`p${j}`, j % 2 ? rng.next() : rng.int(4)])), y: rng.gaussian() }));
  parameterImportance(runs, ['p0']);
  const t0 = performance.now();
  const out = parameterImportance(runs, ['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
  const ms = performance.now() - t0;
  console.log(`parameterImportance, 1,000 runs × 6 parameters: ${ms.toFixed(1)} ms`);
  assert.equal(out.length, 6);
  assert.ok(ms < 2_000, `${ms.toFixed(1)} ms`);
});
