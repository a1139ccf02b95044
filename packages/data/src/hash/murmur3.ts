// MurmurHash3 x86_32 (Austin Appleby, public domain), written from the algorithm's description:
// 4-byte little-endian blocks mixed with c1/c2, rotations 15 and 13, a tail of 1–3 bytes, then fmix32.
// Checked against the published test vectors in murmur3.test.ts.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** fmix32: the finaliser that makes every input bit affect every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86_32 of bytes[start, end) with `seed`; an unsigned 32-bit integer. */
export function murmur3Bytes(bytes: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed | 0;
  const len = end - start;
  const blocksEnd = start + (len & ~3);
  let i = start;
  for (; i < blocksEnd; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (len & 3) {
    case 3:
      k ^= bytes[i + 2] << 16;
    // falls through
    case 2:
      k ^= bytes[i + 1] << 8;
    // falls through
    case 1:
      k ^= bytes[i];
      k = Math.imul(k, C1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, C2);
      h ^= k;
  }
  h ^= len;
  return fmix32(h);
}

const encoder = new TextEncoder();

/** MurmurHash3 x86_32 of a string's UTF-8 bytes. */
export function murmur3String(s: string, seed: number): number {
  const b = encoder.encode(s);
  return murmur3Bytes(b, 0, b.length, seed);
}

/** MurmurHash3 x86_32 of one unsigned 32-bit integer taken as 4 little-endian bytes (same as murmur3Bytes of those bytes). */
export function murmur3Int(x: number, seed: number): number {
  let k = Math.imul(x | 0, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  let h = (seed | 0) ^ k;
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 4;
  return fmix32(h);
}
