import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterBootstrapCI } from './bootstrap.js';
import { crossedBootstrapCI } from './crossed.js';
import { quantileSorted } from './describe.js';

test('crossedBootstrapCI: matches the exact pigeonhole bootstrap distribution of a small design', () => {
  const m = [
    [1, 4],
    [2, 7],
    [0, 3],
  ];
  // Every resample of 3 rows (27 ordered draws) × 2 columns (4 ordered draws) is equally likely.
  const exact: number[] = [];
  for (let a = 0; a < 27; a++) {
    const rs = [a % 3, Math.floor(a / 3) % 3, Math.floor(a / 9)];
    for (let b = 0; b < 4; b++) {
      const cs = [b % 2, Math.floor(b / 2)];
      let s = 0;
      for (const r of rs) for (const c of cs) s += m[r][c];
      exact.push(s / 6);
    }
  }
  exact.sort((x, y) => x - y);
  const ci = crossedBootstrapCI(m, { seed: 3, resamples: 200_000, level: 0.8 });
  assert.equal(ci.estimate, 17 / 6);
  assert.ok(Math.abs(ci.lo! - quantileSorted(exact, 0.1)) < 0.05, `lo ${ci.lo} vs ${quantileSorted(exact, 0.1)}`);
  assert.ok(Math.abs(ci.hi! - quantileSorted(exact, 0.9)) < 0.05, `hi ${ci.hi} vs ${quantileSorted(exact, 0.9)}`);
});

test('crossedBootstrapCI: a column (init seed) effect widens the interval that resampling rows alone leaves narrow', () => {
  // 10 data seeds × 3 init seeds; the init seeds shift every value by −2, 0, +2; the data seeds barely differ.
  const m = Array.from({ length: 10 }, (_, r) => [-2, 0, 2].map((c) => 5 + c + 0.01 * r));
  const crossed = crossedBootstrapCI(m, { seed: 1 });
  const rowsOnly = clusterBootstrapCI(m, { seed: 1, method: 'percentile' });
  assert.ok(crossed.hi! - crossed.lo! > 2, `crossed width ${crossed.hi! - crossed.lo!}`);
  assert.ok(rowsOnly.hi! - rowsOnly.lo! < 0.1, `rows-only width ${rowsOnly.hi! - rowsOnly.lo!}`);
  assert.deepEqual(crossedBootstrapCI(m, { seed: 1 }), crossed, 'seeded: the same interval again');
});

test('crossedBootstrapCI: one init seed gives no interval; bad input is a coded error', () => {
  assert.equal(crossedBootstrapCI([[1], [2], [3]], { seed: 1 }).note, 'too_few');
  assert.throws(() => crossedBootstrapCI([[1, 2], [3]], { seed: 1 }), { code: 'BAD_OPTION' });
  assert.throws(() => crossedBootstrapCI([[1, NaN]], { seed: 1 }), { code: 'NON_FINITE' });
  assert.throws(() => crossedBootstrapCI([], { seed: 1 }), { code: 'EMPTY_SAMPLE' });
});
