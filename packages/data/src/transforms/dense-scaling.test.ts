import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStream, denseScalingOf } from '../open-stream.js';
import { collectWindow } from '../testing/collect.js';
import { heavyScaleCsv, HEAVY_SCALE_MAPPING } from '../testing/heavy-scale-csv.js';
import { dataConfig } from '@driftprune/config';
import { DENSE_CLIP, DenseMoments } from './dense-scaling.js';

const tmp = mkdtempSync(join(tmpdir(), 'driftprune-scaling-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// Three day windows with dense values {1, 3}, {10, 20}, {0}.
const day = (d: number, h: number) => Date.UTC(2024, 0, 1 + d, h) / 1000;
const rows = [
  [day(0, 1), 1],
  [day(0, 2), 3],
  [day(1, 1), 10],
  [day(1, 2), 20],
  [day(2, 1), 0],
];
const file = join(tmp, 'three-days.csv');
writeFileSync(file, ['t,y,x,c', ...rows.map(([t, x], i) => `${t},${i % 2},${x},a`)].join('\n') + '\n');
const config = { source: 'csv', path: file, window: 'day', csv: { label: 'y', time: 't', dense: ['x'], categorical: ['c'] } };

const close = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-5);

test('dense scaling: window t is standardised by windows < t only (the first by its own features), clipped', async () => {
  const s = await openStream(config);
  const out: number[][] = [];
  for await (const w of s.windows()) out.push((await collectWindow(w)).dense);
  // Window 0: its own mean 2, sd 1. Window 1: window 0's scale, so 10 and 20 saturate at the clip.
  // Window 2: windows 0–1 ({1, 3, 10, 20}: mean 8.5, sd √55.25).
  assert.ok(close(out[0], [-1, 1]), String(out[0]));
  assert.ok(close(out[1], [DENSE_CLIP, DENSE_CLIP]), String(out[1]));
  assert.ok(close(out[2], [(0 - 8.5) / Math.sqrt(55.25)]), String(out[2]));
});

test('dense scaling: re-reads, shuffled reads and skipped windows (a resumed run) give the same values', async () => {
  const reference: number[][] = [];
  for await (const w of (await openStream(config)).windows()) reference.push((await collectWindow(w)).dense);
  // Each window read twice (the source's arrays are never scaled in place), window 1 shuffled first.
  const s = await openStream(config);
  for await (const w of s.windows()) {
    if (w.index === 1) {
      const shuffled = (await collectWindow(w, { shuffleSeed: 3 })).dense;
      assert.ok(close([...shuffled].sort((a, b) => a - b), [...reference[1]].sort((a, b) => a - b)));
    }
    assert.ok(close((await collectWindow(w)).dense, reference[w.index]));
    assert.ok(close((await collectWindow(w)).dense, reference[w.index]));
  }
  // Windows 0 and 1 never read (the runner skips windows before its checkpoint): window 2 is unchanged.
  for await (const w of (await openStream(config)).windows()) if (w.index === 2) assert.ok(close((await collectWindow(w)).dense, reference[2]));
});

test('dense scaling: auto standardizes csv only; none passes values on; moments merge exactly', async () => {
  assert.equal(denseScalingOf(dataConfig.parse(config)), 'standardize');
  assert.equal(denseScalingOf(dataConfig.parse({ source: 'synthetic' })), 'none');
  assert.equal(denseScalingOf(dataConfig.parse({ source: 'synthetic', denseScaling: 'standardize' })), 'standardize');
  const raw: number[] = [];
  for await (const w of (await openStream({ ...config, denseScaling: 'none' })).windows()) raw.push(...(await collectWindow(w)).dense);
  assert.deepEqual(raw, [1, 3, 10, 20, 0]);
  assert.throws(() => dataConfig.parse({ ...config, denseScaling: 'zscore' }), /data\.denseScaling must be one of auto, standardize, none/);
  // Chan's merge of two windows' moments equals one pass over both.
  const batch = (xs: number[]) => ({ size: xs.length, dense: Float32Array.from(xs), cat: new Int32Array(xs.length), labels: new Float32Array(xs.length) });
  const a = new DenseMoments(1);
  a.addBatch(batch([1, 3]));
  const b = new DenseMoments(1);
  b.addBatch(batch([10, 20, 0]));
  a.merge(b);
  const all = new DenseMoments(1);
  all.addBatch(batch([1, 3, 10, 20, 0]));
  assert.ok(Math.abs(a.mean[0] - all.mean[0]) < 1e-12 && Math.abs(a.m2[0] - all.m2[0]) < 1e-9);
});

test('dense scaling: raw millisecond columns come out on a unit scale by default', async () => {
  const f = join(tmp, 'video.csv');
  writeFileSync(f, heavyScaleCsv(4, 2000));
  const s = await openStream({ source: 'csv', path: f, window: 'day', csv: HEAVY_SCALE_MAPPING });
  for await (const w of s.windows()) {
    const m = new DenseMoments(3);
    for await (const b of w.batches()) m.addBatch(b);
    const { dense } = await collectWindow(w);
    assert.ok(Math.max(...dense.map(Math.abs)) <= DENSE_CLIP);
    // Later windows are scaled by earlier ones, so not exactly 0 and 1, but close for a stationary column.
    for (let d = 0; d < 3; d++) {
      assert.ok(Math.abs(m.mean[d]) < 0.2, `window ${w.index} feature ${d}: mean ${m.mean[d]}`);
      assert.ok(Math.sqrt(m.m2[d] / m.n) < 1.3, `window ${w.index} feature ${d}: sd ${Math.sqrt(m.m2[d] / m.n)}`);
    }
  }
  const rawWindows = await openStream({ source: 'csv', path: f, window: 'day', denseScaling: 'none', csv: HEAVY_SCALE_MAPPING });
  for await (const w of rawWindows.windows()) assert.ok(Math.max(...(await collectWindow(w)).dense) > 1e5);
});
