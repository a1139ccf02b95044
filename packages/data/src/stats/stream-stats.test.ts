import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { openStream } from '../open-stream.js';
import { collect } from '../testing/collect.js';
import { computeStats } from './stream-stats.js';
import { psi } from './psi.js';

const tmp = mkdtempSync(join(tmpdir(), 'driftprune-stats-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('stats agree with a brute-force count on random streams (rows, label rate, distinct and new ids, PSI)', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 5 })), {
        minLength: 1,
        maxLength: 200,
      }),
      fc.integer({ min: 1, max: 60 }),
      async (rows, n) => {
        const f = join(tmp, `r${run++}.csv`);
        writeFileSync(f, 'y,a,b\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
        const cfg = { source: 'csv', path: f, window: `rows:${n}`, hashSize: 64, csv: { label: 'y', categorical: ['a', 'b'] } } as const;
        const st = await computeStats(await openStream(cfg), { topK: 3 });
        const ws = await collect(await openStream(cfg));
        assert.equal(st.totals.rows, rows.length);
        assert.equal(st.totals.positives, rows.filter((r) => r[0] === 1).length);
        const seen = [new Set<number>(), new Set<number>()];
        let prevCounts: Map<number, number>[] | null = null;
        ws.forEach((w, k) => {
          const s = st.windows[k];
          assert.equal(s.rows, w.rows);
          const counts = [new Map<number, number>(), new Map<number, number>()];
          for (let i = 0; i < w.rows; i++)
            for (let fi = 0; fi < 2; fi++) counts[fi].set(w.cat[i * 2 + fi], (counts[fi].get(w.cat[i * 2 + fi]) ?? 0) + 1);
          for (let fi = 0; fi < 2; fi++) {
            assert.equal(s.fields[fi].distinct, counts[fi].size);
            assert.equal(s.fields[fi].newIds, [...counts[fi].keys()].filter((id) => !seen[fi].has(id)).length);
            if (prevCounts) {
              // PSI over the previous window's top 3 ids (ties by id) and the rest.
              const prevRows = ws[k - 1].rows;
              const top = [...prevCounts[fi]].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, 3);
              const p = [...top.map(([, c]) => c / prevRows)];
              p.push(Math.max(0, 1 - p.reduce((a, b) => a + b, 0)));
              const q = top.map(([id]) => (counts[fi].get(id) ?? 0) / w.rows);
              q.push(Math.max(0, 1 - q.reduce((a, b) => a + b, 0)));
              assert.ok(Math.abs(s.fields[fi].psi! - psi(p, q)) < 1e-9);
            } else assert.equal(s.fields[fi].psi, null);
            for (const id of counts[fi].keys()) seen[fi].add(id);
          }
          prevCounts = counts;
        });
      },
    ),
    { numRuns: 60 },
  );
});

test('stats: a shifted id distribution raises PSI; the same distribution keeps it near zero', async () => {
  const lines = ['y,a'];
  for (let i = 0; i < 3000; i++) lines.push(`${i % 2},${i % 10}`); // window 0
  for (let i = 0; i < 3000; i++) lines.push(`${i % 2},${i % 10}`); // window 1: same
  for (let i = 0; i < 3000; i++) lines.push(`${i % 2},${i % 3 === 0 ? i % 10 : 42}`); // window 2: shifted
  const f = join(tmp, 'shift.csv');
  writeFileSync(f, lines.join('\n'));
  const st = await computeStats(await openStream({ source: 'csv', path: f, window: 'rows:3000', csv: { label: 'y', categorical: ['a'] } }));
  assert.equal(st.windows[0].psi, null);
  assert.ok(st.windows[1].psi! < 1e-9);
  assert.ok(st.windows[2].psi! > 0.25, `${st.windows[2].psi}`);
  assert.equal(st.windows[2].fields[0].newIds, 1);
  assert.ok(Math.abs(st.windows[2].newIdRowShare - 2000 / 3000) < 1e-9);
});
