import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSplitter } from './lines.js';

function split(text: string, cuts: number[], max = 1 << 20): string[] {
  const buf = Buffer.from(text, 'latin1');
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  const s = new LineSplitter('mem', max);
  const on = (b: Buffer, st: number, e: number) => out.push(b.toString('latin1', st, e));
  let prev = 0;
  for (const p of [...points, buf.length]) {
    if (p > prev) s.push(buf.subarray(prev, p), on);
    prev = Math.max(prev, p);
  }
  s.end(on);
  return out;
}

test('lines are the same however the bytes are cut into chunks', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', '\t') }), fc.array(fc.nat()), (text, cuts) => {
      const expected = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
      if (text.endsWith('\n') || text === '') expected.pop();
      assert.deepEqual(split(text, cuts), expected);
    }),
  );
});

test('a line longer than the limit is an error naming the line, not unbounded growth', () => {
  assert.throws(
    () => split('ok\n' + 'x'.repeat(100) + '\n', [1, 50, 70], 64),
    (e: Error & { code?: string; line?: number }) => e.code === 'LINE_TOO_LONG' && e.line === 2,
  );
});
