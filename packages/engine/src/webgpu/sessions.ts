// Sessions of the device-resident engine, shared by every trainer of the same architecture and execution provider
// (a D2S run holds a dense and a sparse trainer; structured pruning revisits widths). Reference-counted.
import { OrtSession, type SessionOptions } from '@driftprune/onnx';

interface Entry {
  session: OrtSession;
  refs: number;
}
const cache = new Map<string, Entry>();

export function acquireResidentSession(key: string, options: SessionOptions, build: () => Uint8Array): { key: string; session: OrtSession } {
  const k = `${key}|${JSON.stringify(options)}`;
  let e = cache.get(k);
  if (!e) {
    e = { session: new OrtSession(build(), options), refs: 0 };
    cache.set(k, e);
  }
  e.refs++;
  return { key: k, session: e.session };
}

export function releaseResidentSession(key: string): void {
  const e = cache.get(key);
  if (!e) return;
  if (--e.refs <= 0) {
    e.session.dispose();
    cache.delete(key);
  }
}

export function residentSessionCount(): number {
  return cache.size;
}
