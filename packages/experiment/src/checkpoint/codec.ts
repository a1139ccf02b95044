// Exact, JSON-safe encodings of typed arrays and masks for run checkpoints (base64 of the raw bytes).
import type { ModelParams } from '@driftprune/engine';
import type { PruneMask } from '@driftprune/pruning';

export function encodeBytes(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function decode<T>(s: string, make: (buf: ArrayBuffer) => T): T {
  const b = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(b.byteLength);
  new Uint8Array(copy).set(b);
  return make(copy);
}

export const decodeF32 = (s: string) => decode(s, (b) => new Float32Array(b));
export const decodeI32 = (s: string) => decode(s, (b) => new Int32Array(b));
export const decodeU8 = (s: string) => decode(s, (b) => new Uint8Array(b));

export type EncodedMask = { granularity: 'structured'; neurons: Record<string, string> } | { granularity: 'unstructured'; weights: Record<string, string> };

export function encodeMask(m: PruneMask): EncodedMask {
  if (m.granularity === 'structured')
    return { granularity: 'structured', neurons: Object.fromEntries(Object.entries(m.neurons).map(([k, v]) => [k, encodeBytes(v)])) };
  return { granularity: 'unstructured', weights: Object.fromEntries(Object.entries(m.weights).map(([k, v]) => [k, encodeBytes(v)])) };
}

export function decodeMask(m: EncodedMask): PruneMask {
  if (m.granularity === 'structured')
    return { granularity: 'structured', neurons: Object.fromEntries(Object.entries(m.neurons).map(([k, v]) => [k, decodeI32(v)])) };
  return { granularity: 'unstructured', weights: Object.fromEntries(Object.entries(m.weights).map(([k, v]) => [k, decodeU8(v)])) };
}

export interface EncodedParams {
  shape: ModelParams['shape'];
  layers: { name: string; inDim: number; outDim: number; W: string; b: string; mask?: string }[];
  embeddings: string;
}

export function encodeParams(p: ModelParams): EncodedParams {
  return {
    shape: p.shape,
    layers: [...p.bottom, ...p.top].map((l) => ({ name: l.name, inDim: l.inDim, outDim: l.outDim, W: encodeBytes(l.W), b: encodeBytes(l.b), ...(l.mask ? { mask: encodeBytes(l.mask) } : {}) })),
    embeddings: encodeBytes(p.embeddings),
  };
}

export function decodeParams(e: EncodedParams): ModelParams {
  const layers = e.layers.map((l) => ({ name: l.name, inDim: l.inDim, outDim: l.outDim, W: decodeF32(l.W), b: decodeF32(l.b), ...(l.mask ? { mask: decodeF32(l.mask) } : {}) }));
  return { shape: e.shape, bottom: layers.filter((l) => l.name.startsWith('bottom.')), top: layers.filter((l) => l.name.startsWith('top.')), embeddings: decodeF32(e.embeddings) };
}
