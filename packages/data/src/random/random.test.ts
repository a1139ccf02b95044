import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AliasTable, zipfWeights } from './alias.js';
import { Permutation } from './permutation.js';
import { Rng, hashedGaussian } from './rng.js';

test('Rng: deterministic by seed, uniform in [0, 1), normal with mean 0 and variance 1', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const xs = Array.from({ length: 100 }, () => a.u32());
  assert.deepEqual(
    xs,
    Array.from({ length: 100 }, () => b.u32()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 100 }, () => new Rng(43).u32()),
  );
  const r = new Rng(1);
  const n = 200_000;
  let sum = 0;
  let lo = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    if (u < 0.1) lo++;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.005);
  assert.ok(Math.abs(lo / n - 0.1) < 0.005);
  let m = 0;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const g = r.gaussian();
    m += g;
    v += g * g;
  }
  assert.ok(Math.abs(m / n) < 0.01 && Math.abs(v / n - 1) < 0.02, `${m / n} ${v / n}`);
});

test('Rng.seedRow: the same (window, row) always gives the same draws; neighbouring rows are uncorrelated', () => {
  const r = new Rng();
  const first = (w: number, i: number) => r.seedRow(w, i).u32();
  assert.equal(first(7, 3), first(7, 3));
  let same = 0;
  let corr = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    if (first(7, i) === first(7, i + 1)) same++;
    corr += (r.seedRow(7, i).next() - 0.5) * (r.seedRow(7, i + 1).next() - 0.5);
  }
  assert.equal(same, 0);
  assert.ok(Math.abs(corr / n) < 0.005, `${corr / n}`);
  const g = Array.from({ length: 10_000 }, (_, i) => hashedGaussian(i, 5));
  assert.ok(Math.abs(g.reduce((a, b) => a + b) / g.length) < 0.05);
});

test('AliasTable draws each index with its weight (chi-square), Zipf included', () => {
  for (const weights of [[1, 2, 3, 4], [0, 5, 0, 1], Array.from(zipfWeights(50, 1.1))]) {
    const t = new AliasTable(weights);
    const r = new Rng(9);
    const n = 200_000;
    const counts = new Array(weights.length).fill(0);
    for (let i = 0; i < n; i++) counts[t.sample(r)]++;
    const total = weights.reduce((a, b) => a + b);
    let chi2 = 0;
    weights.forEach((w, i) => {
      if (w === 0) assert.equal(counts[i], 0, 'zero weight drawn');
      else chi2 += (counts[i] - (n * w) / total) ** 2 / ((n * w) / total);
    });
    // 99.9th percentile of chi-square with up to 49 degrees of freedom is below 86.
    assert.ok(chi2 < 86, `chi2 ${chi2.toFixed(1)} for ${weights.length} weights`);
  }
  assert.throws(() => new AliasTable([]), /at least one weight/);
  assert.throws(() => new AliasTable([0, 0]), /must not all be zero/);
  assert.throws(() => new AliasTable([1, -1]), /must be ≥ 0/);
});

test('Permutation is a bijection on [0, n) for any n and seed, and depends on the seed', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer(), (n, seed) => {
      const p = new Permutation(n, seed);
      const seen = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const j = p.at(i);
        assert.ok(Number.isInteger(j) && j >= 0 && j < n);
        assert.equal(seen[j], 0);
        seen[j] = 1;
      }
    }),
    { numRuns: 100 },
  );
  const a = Array.from({ length: 100 }, (_, i) => new Permutation(100, 1).at(i));
  const b = Array.from({ length: 100 }, (_, i) => new Permutation(100, 2).at(i));
  assert.notDeepEqual(a, b);
  // Not the identity, and not close to it.
  assert.ok(a.filter((x, i) => x === i).length < 10);
});
