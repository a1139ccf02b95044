import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { murmur3Bytes, murmur3Int, murmur3String } from './murmur3.js';

// Published MurmurHash3 x86_32 test vectors (as used by the reference SMHasher port and most implementations).
const VECTORS: [string | number[], number, number][] = [
  ['', 0, 0],
  ['', 1, 0x514e28b7],
  ['', 0xffffffff, 0x81f16f39],
  [[0, 0, 0, 0], 0, 0x2362f9de],
  [[0xff, 0xff, 0xff, 0xff], 0, 0x76293b50],
  [[0x21, 0x43, 0x65, 0x87], 0, 0xf55b516b],
  [[0x21, 0x43, 0x65, 0x87], 0x5082edee, 0x2362f9de],
  [[0x21, 0x43, 0x65], 0, 0x7e4a8634],
  [[0x21, 0x43], 0, 0xa0f7b07a],
  [[0x21], 0, 0x72661cf4],
  ['aaaa', 0x9747b28c, 0x5a97808a],
  ['aaa', 0x9747b28c, 0x283e0130],
  ['aa', 0x9747b28c, 0x5d211726],
  ['a', 0x9747b28c, 0x7fa09ea6],
  ['abcd', 0x9747b28c, 0xf0478627],
  ['abc', 0x9747b28c, 0xc84a62dd],
  ['ab', 0x9747b28c, 0x74875592],
  ['Hello, world!', 0x9747b28c, 0x24884cba],
  ['ππππππππ', 0x9747b28c, 0xd58063c1],
  ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
];

test('murmur3 x86_32 matches the published test vectors', () => {
  for (const [input, seed, expected] of VECTORS) {
    const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : Uint8Array.from(input);
    assert.equal(murmur3Bytes(bytes, 0, bytes.length, seed), expected, `${JSON.stringify(input)} seed ${seed.toString(16)}`);
    if (typeof input === 'string') assert.equal(murmur3String(input, seed), expected);
  }
});

test('murmur3 of a byte range ignores the bytes around it', () => {
  fc.assert(
    fc.property(fc.uint8Array(), fc.uint8Array(), fc.uint8Array(), fc.integer({ min: 0, max: 0xffffffff }), (pre, body, post, seed) => {
      const all = new Uint8Array([...pre, ...body, ...post]);
      return murmur3Bytes(all, pre.length, pre.length + body.length, seed) === murmur3Bytes(body, 0, body.length, seed);
    }),
  );
});

test('murmur3Int equals murmur3 of the integer as 4 little-endian bytes', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (x, seed) => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, x, true);
      return murmur3Int(x, seed) === murmur3Bytes(b, 0, 4, seed);
    }),
  );
});

test('murmur3 output is an unsigned 32-bit integer and flips about half the bits for a one-bit change', () => {
  let flipped = 0;
  let pairs = 0;
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (bytes, bit) => {
      const h = murmur3Bytes(bytes, 0, bytes.length, 7);
      assert.ok(Number.isInteger(h) && h >= 0 && h <= 0xffffffff);
      const c = bytes.slice();
      const i = bit % (bytes.length * 8);
      c[i >> 3] ^= 1 << (i & 7);
      let x = (h ^ murmur3Bytes(c, 0, c.length, 7)) >>> 0;
      while (x) {
        flipped += x & 1;
        x >>>= 1;
      }
      pairs++;
    }),
    { numRuns: 2000 },
  );
  const mean = flipped / pairs;
  assert.ok(Math.abs(mean - 16) < 0.5, `mean flipped bits ${mean}`);
});
