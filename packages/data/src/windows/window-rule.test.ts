import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isoWeek, parseWindowRule, timeWindowId, timeWindowKey, timeWindowRange } from './window-rule.js';

test('window ids are readable: day, ISO week, Avazu-style hour', () => {
  const t = Date.UTC(1997, 8, 20, 3, 5, 10); // MovieLens-100K's first rating
  assert.equal(timeWindowId('day', timeWindowKey('day', t)), '1997-09-20');
  assert.equal(timeWindowId('week', timeWindowKey('week', t)), '1997-W38');
  assert.equal(timeWindowId('hour', timeWindowKey('hour', Date.UTC(2014, 9, 21, 0))), '14102100');
  // ISO years differ from calendar years around New Year.
  assert.equal(timeWindowId('week', timeWindowKey('week', Date.UTC(2021, 0, 3))), '2020-W53');
  assert.equal(timeWindowId('week', timeWindowKey('week', Date.UTC(2019, 11, 30))), '2020-W01');
});

test('parseWindowRule', () => {
  assert.deepEqual(parseWindowRule('rows:250'), { kind: 'rows', rows: 250 });
  assert.deepEqual(parseWindowRule('week'), { kind: 'week' });
  assert.throws(() => parseWindowRule('rows:0'), /day, week, hour or rows:N/);
});

const anyTime = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) });

test('every time lies in [start, end) of its window, and windows tile time without gaps', () => {
  fc.assert(
    fc.property(fc.constantFrom('day' as const, 'week' as const, 'hour' as const), anyTime, (kind, t) => {
      const k = timeWindowKey(kind, t);
      const r = timeWindowRange(kind, k);
      assert.ok(r.start <= t && t < r.end);
      assert.equal(timeWindowRange(kind, k + 1).start, r.end);
      assert.equal(timeWindowKey(kind, r.start), k);
      assert.equal(timeWindowKey(kind, r.end - 1), k);
    }),
  );
});

test('week windows start on Monday 00:00 UTC and carry the ISO week number', () => {
  fc.assert(
    fc.property(anyTime, (t) => {
      const { start } = timeWindowRange('week', timeWindowKey('week', t));
      const d = new Date(start);
      assert.equal(d.getUTCDay(), 1);
      assert.equal(d.getUTCHours(), 0);
      // Reference: ISO week = week of the Thursday; week 1 contains 4 January.
      const thu = new Date(start + 3 * 86_400_000);
      const jan4 = Date.UTC(thu.getUTCFullYear(), 0, 4);
      const mondayOfWeek1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
      assert.deepEqual(isoWeek(start), { year: thu.getUTCFullYear(), week: Math.round((start - mondayOfWeek1) / 604_800_000) + 1 });
    }),
  );
});
