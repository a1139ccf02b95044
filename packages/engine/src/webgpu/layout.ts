// The dense parameters of every MLP layer packed into one flat vector: W of layer 0, b of layer 0, W of layer 1,
// … On the GPU one optimizer update over the whole vector replaces one update per parameter tensor, which cuts
// the step's kernel launches.
//
// With `pad4`, every width inside the flat vector is rounded up to a multiple of 4 (W stored as outPad × inPad
// with the contract's out × in in its top-left corner, b as outPad), except the MLPs' final outputs (the bottom
// MLP's embeddingDim and the logit). onnxruntime's WebGPU matrix kernels take their 4-wide (vec4) path only when
// the inner dimensions are multiples of 4. Padding entries start at zero and stay zero: their inputs are zero
// columns, so their gradients are exactly zero under every optimizer.
import { layerDims } from '../graph/train-graph.js';
import type { DlrmShape } from '../types.js';

export interface PackedTensor {
  /** `bottom.0.W`, `bottom.0.b`, … */
  name: string;
  layer: string;
  kind: 'W' | 'b';
  offset: number;
  size: number;
  /** Stored dims: [outPad, inPad] for W, [outPad] for b. */
  dims: number[];
  /** The contract's dims: [out, in] for W, [out] for b. */
  logical: number[];
}

export interface DenseLayout {
  tensors: PackedTensor[];
  /** Total length of the flat vector. */
  size: number;
  pad4: boolean;
}

export const ceil4 = (n: number) => Math.ceil(n / 4) * 4;

export function denseLayout(shape: DlrmShape, o: { pad4?: boolean } = {}): DenseLayout {
  const pad4 = o.pad4 ?? false;
  const dims = layerDims(shape);
  const nBottom = shape.bottom.length - 1;
  const tensors: PackedTensor[] = [];
  let offset = 0;
  dims.forEach((l, i) => {
    const mlpLast = i === nBottom - 1 || i === dims.length - 1;
    const inPad = pad4 ? ceil4(l.inDim) : l.inDim;
    const outPad = pad4 && !mlpLast ? ceil4(l.outDim) : l.outDim;
    const W = { name: `${l.name}.W`, layer: l.name, kind: 'W' as const, offset, size: outPad * inPad, dims: [outPad, inPad], logical: [l.outDim, l.inDim] };
    offset += W.size;
    const b = { name: `${l.name}.b`, layer: l.name, kind: 'b' as const, offset, size: outPad, dims: [outPad], logical: [l.outDim] };
    offset += b.size;
    tensors.push(W, b);
  });
  return { tensors, size: offset, pad4 };
}

const logicalSize = (t: PackedTensor) => t.logical.reduce((a, b) => a * b, 1);

/** Packs per-layer arrays in the contract's layout (`get(layer, 'W' | 'b')`) into one flat vector (pads zero). */
export function packDense(layout: DenseLayout, get: (layer: string, kind: 'W' | 'b') => Float32Array, padValue = 0): Float32Array {
  const flat = new Float32Array(layout.size);
  for (const t of layout.tensors) {
    const a = get(t.layer, t.kind);
    if (a.length !== logicalSize(t)) throw new Error(`packDense: ${t.name} holds ${a.length} values, the layout expects ${logicalSize(t)}`);
    if (t.size === a.length) {
      flat.set(a, t.offset);
      continue;
    }
    if (padValue !== 0) flat.fill(padValue, t.offset, t.offset + t.size);
    const rows = t.logical[0];
    const cols = t.logical[1] ?? 1;
    const stride = t.dims[1] ?? 1;
    for (let r = 0; r < rows; r++) flat.set(a.subarray(r * cols, (r + 1) * cols), t.offset + r * stride);
  }
  return flat;
}

/** Copies of each layer's W and b (contract layout, padding dropped) out of a flat vector. */
export function unpackDense(layout: DenseLayout, flat: Float32Array): Map<string, { W: Float32Array; b: Float32Array }> {
  if (flat.length !== layout.size) throw new Error(`unpackDense: the flat vector holds ${flat.length} values, the layout expects ${layout.size}`);
  const out = new Map<string, { W: Float32Array; b: Float32Array }>();
  for (const t of layout.tensors) {
    const e = out.get(t.layer) ?? { W: new Float32Array(0), b: new Float32Array(0) };
    const rows = t.logical[0];
    const cols = t.logical[1] ?? 1;
    const stride = t.dims[1] ?? 1;
    if (t.size === rows * cols) e[t.kind] = flat.slice(t.offset, t.offset + t.size);
    else {
      const a = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) a.set(flat.subarray(t.offset + r * stride, t.offset + r * stride + cols), r * cols);
      e[t.kind] = a;
    }
    out.set(t.layer, e);
  }
  return out;
}
