// The dense parameters of every MLP layer packed into one flat vector: W of layer 0 (out × in, row-major), b of
// layer 0, W of layer 1, … On the GPU one optimizer update over the whole vector replaces one update per
// parameter tensor, which cuts the step's kernel launches (the cost that dominates a small-batch WebGPU step).
import { layerDims } from '../graph/train-graph.js';
import type { DlrmShape } from '../types.js';

export interface PackedTensor {
  /** `bottom.0.W`, `bottom.0.b`, … */
  name: string;
  layer: string;
  kind: 'W' | 'b';
  offset: number;
  size: number;
  dims: number[];
}

export interface DenseLayout {
  tensors: PackedTensor[];
  /** Total length of the flat vector. */
  size: number;
}

export function denseLayout(shape: DlrmShape): DenseLayout {
  const tensors: PackedTensor[] = [];
  let offset = 0;
  for (const l of layerDims(shape)) {
    const W = { name: `${l.name}.W`, layer: l.name, kind: 'W' as const, offset, size: l.outDim * l.inDim, dims: [l.outDim, l.inDim] };
    offset += W.size;
    const b = { name: `${l.name}.b`, layer: l.name, kind: 'b' as const, offset, size: l.outDim, dims: [l.outDim] };
    offset += b.size;
    tensors.push(W, b);
  }
  return { tensors, size: offset };
}

/** Packs per-layer arrays (`get(layer, 'W' | 'b')`) into one flat vector. */
export function packDense(layout: DenseLayout, get: (layer: string, kind: 'W' | 'b') => Float32Array): Float32Array {
  const flat = new Float32Array(layout.size);
  for (const t of layout.tensors) {
    const a = get(t.layer, t.kind);
    if (a.length !== t.size) throw new Error(`packDense: ${t.name} holds ${a.length} values, the layout expects ${t.size}`);
    flat.set(a, t.offset);
  }
  return flat;
}

/** Copies of each layer's W and b out of a flat vector. */
export function unpackDense(layout: DenseLayout, flat: Float32Array): Map<string, { W: Float32Array; b: Float32Array }> {
  if (flat.length !== layout.size) throw new Error(`unpackDense: the flat vector holds ${flat.length} values, the layout expects ${layout.size}`);
  const out = new Map<string, { W: Float32Array; b: Float32Array }>();
  for (const t of layout.tensors) {
    const e = out.get(t.layer) ?? { W: new Float32Array(0), b: new Float32Array(0) };
    e[t.kind] = flat.slice(t.offset, t.offset + t.size);
    out.set(t.layer, e);
  }
  return out;
}
