// Graphs are built once per (architecture, optimizer, masks, Taylor, threads) and their sessions shared by every
// trainer that needs them: a D2S run holds a dense and a sparse trainer, and structured pruning revisits widths.
// Table sizes are not part of the key: the tables live in JS, so any vocabulary reuses the same graph.
import { OrtSession } from '@driftprune/onnx';
import type { DlrmShape } from './types.js';

interface Entry {
  session: OrtSession;
  refs: number;
}
const cache = new Map<string, Entry>();

export function architectureKey(s: DlrmShape): string {
  return JSON.stringify([s.numDense, s.tableSizes.length, s.embeddingDim, s.bottom, s.top, s.interaction]);
}

/** A shared session for `key`, built with `build()` on first use. Call `release(key)` once per acquire. */
export function acquireSession(key: string, threads: number, build: () => Uint8Array): OrtSession {
  const k = `${key}|threads=${threads}`;
  let e = cache.get(k);
  if (!e) {
    e = { session: new OrtSession(build(), { threads }), refs: 0 };
    cache.set(k, e);
  }
  e.refs++;
  return e.session;
}

export function releaseSession(key: string, threads: number): void {
  const k = `${key}|threads=${threads}`;
  const e = cache.get(k);
  if (!e) return;
  if (--e.refs <= 0) {
    e.session.dispose();
    cache.delete(k);
  }
}

/** Sessions alive now (for tests and diagnostics). */
export function cachedSessionCount(): number {
  return cache.size;
}
