import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RowBlock } from './row-block.js';

async function rowsOf(block: RowBlock, batchSize: number, shuffleSeed?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const b of block.batches(batchSize, shuffleSeed)) {
    assert.ok(b.size >= 1 && b.size <= batchSize);
    for (let i = 0; i < b.size; i++) out.push(`${b.labels[i]}|${b.dense.slice(i * 2, i * 2 + 2)}|${b.cat.slice(i * 3, i * 3 + 3)}`);
  }
  return out;
}

test('RowBlock keeps rows in order across growth; batches cover every row once, shuffled or not', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 700 }), fc.integer(), async (n, batchSize, seed) => {
      const block = new RowBlock(2, 3, 4);
      for (let r = 0; r < n; r++) block.push(Float32Array.of(r, -r), Int32Array.of(r, r + 1, r + 2), r % 2);
      assert.equal(block.rows, n);
      const inOrder = await rowsOf(block, batchSize);
      assert.deepEqual(
        inOrder,
        Array.from({ length: n }, (_, r) => `${r % 2}|${r},${-r}|${r},${r + 1},${r + 2}`),
      );
      const shuffled = await rowsOf(block, batchSize, seed);
      assert.deepEqual([...shuffled].sort(), [...inOrder].sort());
      if (n > 20) assert.notDeepEqual(shuffled, inOrder);
    }),
    { numRuns: 30 },
  );
});

test('a window too large to hold is a WINDOW_TOO_LARGE error, not an allocation failure', () => {
  const block = new RowBlock(1, 1, 4, 100);
  for (let r = 0; r < 8; r++) block.push(Float32Array.of(r), Int32Array.of(r), 0);
  assert.throws(
    () => block.push(Float32Array.of(9), Int32Array.of(9), 0),
    (e: Error & { code?: string }) => e.code === 'WINDOW_TOO_LARGE' && /use window rows:N or data\.maxRowsPerWindow/.test(e.message),
  );
});
