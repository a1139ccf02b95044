// Number and field parsing straight from bytes (no intermediate strings): the hot path of every text source.

/** Parses a decimal number (sign, digits, optional fraction and exponent) in buf[s, e); NaN if it is not one. */
export function parseNumber(buf: Uint8Array, s: number, e: number): number {
  if (s >= e) return NaN;
  let p = s;
  let neg = false;
  if (buf[p] === 45 || buf[p] === 43) {
    neg = buf[p] === 45;
    p++;
  }
  let v = 0;
  let digits = 0;
  while (p < e) {
    const c = buf[p] - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    p++;
    digits++;
  }
  if (p < e && buf[p] === 46) {
    p++;
    let scale = 0.1;
    while (p < e) {
      const c = buf[p] - 48;
      if (c < 0 || c > 9) break;
      v += c * scale;
      scale *= 0.1;
      p++;
      digits++;
    }
  }
  if (digits === 0) return NaN;
  if (p < e && (buf[p] === 101 || buf[p] === 69)) {
    p++;
    let eneg = false;
    if (buf[p] === 45 || buf[p] === 43) {
      eneg = buf[p] === 45;
      p++;
    }
    let ex = 0;
    let ed = 0;
    while (p < e) {
      const c = buf[p] - 48;
      if (c < 0 || c > 9) break;
      ex = ex * 10 + c;
      p++;
      ed++;
    }
    if (ed === 0) return NaN;
    v *= Math.pow(10, eneg ? -ex : ex);
  }
  if (p !== e) return NaN;
  return neg ? -v : v;
}

/**
 * Splits buf[s, e) on `delim` into field ranges (starts/ends), honouring RFC 4180 double quotes (a quoted field's
 * range excludes its quotes; doubled quotes inside stay as they are). Returns the field count, -1 for an
 * unterminated quote, or -2 when there are more than starts.length fields.
 */
export function splitFields(buf: Uint8Array, s: number, e: number, delim: number, starts: Int32Array, ends: Int32Array): number {
  let n = 0;
  let p = s;
  const max = starts.length;
  for (;;) {
    if (n >= max) return -2;
    if (p < e && buf[p] === 34) {
      const fs = p + 1;
      let q = fs;
      for (;;) {
        if (q >= e) return -1;
        if (buf[q] === 34) {
          if (q + 1 < e && buf[q + 1] === 34) q += 2;
          else break;
        } else q++;
      }
      starts[n] = fs;
      ends[n] = q;
      n++;
      p = q + 1;
      if (p >= e) return n;
      if (buf[p] !== delim) return -1;
      p++;
      if (p === e) {
        if (n >= max) return -2;
        starts[n] = ends[n] = e;
        return n + 1;
      }
    } else {
      let q = p;
      while (q < e && buf[q] !== delim) q++;
      starts[n] = p;
      ends[n] = q;
      n++;
      if (q >= e) return n;
      p = q + 1;
      if (p === e) {
        if (n >= max) return -2;
        starts[n] = ends[n] = e;
        return n + 1;
      }
    }
  }
}
