// onnxruntime sessions shared by every trainer that needs the same graph with the same options (both engines): a
// D2S run holds a dense and a sparse trainer, and structured pruning revisits widths. Graphs are built on first
// use and reference-counted. Table sizes are not part of the CPU engine's keys: its tables live in JS, so any
// vocabulary reuses the same graph.
import { OrtSession, type SessionOptions } from '@driftprune/onnx';
import type { DlrmShape } from './types.js';

interface Entry {
  session: OrtSession;
  refs: number;
}
const cache = new Map<string, Entry>();

export function architectureKey(s: DlrmShape): string {
  return JSON.stringify([s.numDense, s.tableSizes.length, s.embeddingDim, s.bottom, s.top, s.interaction]);
}

/** A shared session for `key` and `options`, built with `build()` on first use. Release the returned key once per acquire. */
export function acquireSession(key: string, options: SessionOptions, build: () => Uint8Array): { key: string; session: OrtSession } {
  const k = `${key}|${JSON.stringify(options)}`;
  let e = cache.get(k);
  if (!e) {
    e = { session: new OrtSession(build(), options), refs: 0 };
    cache.set(k, e);
  }
  e.refs++;
  return { key: k, session: e.session };
}

export function releaseSession(key: string): void {
  const e = cache.get(key);
  if (!e) return;
  if (--e.refs <= 0) {
    e.session.dispose();
    cache.delete(key);
  }
}

/** Sessions alive now (for tests and diagnostics). */
export function cachedSessionCount(): number {
  return cache.size;
}
