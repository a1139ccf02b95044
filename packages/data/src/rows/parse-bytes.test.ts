import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseNumber, splitFields } from './parse-bytes.js';

const num = (s: string) => {
  const b = Buffer.from(s, 'latin1');
  return parseNumber(b, 0, b.length);
};

test('parseNumber agrees with Number() on decimal numbers', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), (x) => {
      const s = String(x);
      const v = num(s);
      assert.ok(Math.abs(v - x) <= 1e-9 * Math.max(1, Math.abs(x)), `${s} → ${v}`);
    }),
  );
  for (const s of ['1', '-3', '+2', '0.5', '.5', '5.', '1e3', '2.5E-2']) assert.equal(num(s), Number(s), s);
});

test('parseNumber rejects what is not a number', () => {
  for (const s of ['', '-', '.', 'e5', '1e', '1x', ' 1', '1 ', '0x10', 'NaN', '1..2', '--1']) assert.ok(Number.isNaN(num(s)), s);
});

test('splitFields honours quotes and keeps empty fields', () => {
  const b = Buffer.from('a,"b,c",,"say ""hi""",');
  const s = new Int32Array(10);
  const e = new Int32Array(10);
  const n = splitFields(b, 0, b.length, 44, s, e);
  const fields = Array.from({ length: n }, (_, i) => b.toString('utf8', s[i], e[i]));
  assert.deepEqual(fields, ['a', 'b,c', '', 'say ""hi""', '']);
  const bad = Buffer.from('a,"b');
  assert.equal(splitFields(bad, 0, bad.length, 44, s, e), -1);
  const many = Buffer.from('1,2,3');
  assert.equal(splitFields(many, 0, many.length, 44, new Int32Array(2), new Int32Array(2)), -2);
});

test('splitFields matches String.split on unquoted text', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ',', '1') }), (text) => {
      const b = Buffer.from(text);
      const s = new Int32Array(256);
      const e = new Int32Array(256);
      const n = splitFields(b, 0, b.length, 44, s, e);
      assert.deepEqual(
        Array.from({ length: n }, (_, i) => b.toString('utf8', s[i], e[i])),
        text.split(','),
      );
    }),
  );
});
