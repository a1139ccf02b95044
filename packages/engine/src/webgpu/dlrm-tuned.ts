// The DLRM forward and backward pass shaped for onnxruntime's WebGPU matrix kernels (the CPU formulation is
// graph/forward.ts + graph/backward.ts; this one computes the same function). What the H100/H200 profile showed
// and what this file does about it (docs/performance.md, "GPU (WebGPU)"):
//   - Gemm with transB (x·Wᵀ) ran ~3.4× slower than the plain product: the forward multiplies by Transpose(W),
//     a small kernel on the weights, and the input-gradient dy·W needs no transpose at all.
//   - Products contracting over the batch (dW = dyᵀ·x) have few output tiles and one long inner loop: they ran at
//     a fraction of the card. They are split over the batch ("split-K"): dy and x are cut into C chunks, a batched
//     MatMul gives C partial dW, and a ReduceSum adds them.
//   - Widths that are not multiples of 4 (13 dense features, the 367-wide interaction) lose the vec4 path: the
//     flat parameters are stored padded (layout.ts, pad4), the inputs are padded with zero columns.
// Activations stay batch-major ([B, features]) throughout.
import type { GraphBuilder } from '@driftprune/onnx';
import { symmetricScatterIndices, triangleIndices } from '../layers/dot-interaction.js';
import type { DlrmShape } from '../types.js';
import type { PackedTensor } from './layout.js';

export interface TunedLayer {
  /** W [outPad, inPad] and b [outPad] as graph values. */
  W: string;
  b: string;
  tensor: PackedTensor;
  /** Batch chunks of the weight-gradient product (1 = no split). */
  splitK: number;
}

interface LayerTape {
  x: string;
  h?: string;
}

export interface TunedTape {
  bottom: LayerTape[];
  top: LayerTape[];
  Z?: string;
  logit: string;
}

const linear = (g: GraphBuilder, x: string, l: TunedLayer) => g.gemm(x, g.transpose(l.W, [1, 0]), l.b);

/** Zero columns on the right of a [B, n] value up to `to` columns. */
const padCols = (g: GraphBuilder, x: string, n: number, to: number) => (to > n ? g.pad(x, [0, 0, 0, to - n]) : x);

/** dense [B, numDense], emb [B, F, D] → logit [B, 1]. */
export function tunedForward(g: GraphBuilder, shape: DlrmShape, dense: string, emb: string, bottom: TunedLayer[], top: TunedLayer[]): TunedTape {
  const F = shape.tableSizes.length;
  const D = shape.embeddingDim;
  const tape: TunedTape = { bottom: [], top: [], logit: '' };
  let x = padCols(g, dense, shape.numDense, bottom[0].tensor.dims[1]);
  for (const l of bottom) {
    const h = g.relu(linear(g, x, l));
    tape.bottom.push({ x, h });
    x = h;
  }
  const inTop = top[0].tensor.dims[1];
  if (shape.interaction === 'dot') {
    const n = F + 1;
    const Z = g.concat([g.unsqueeze(x, [1]), emb], 1); // [B, N, D]
    const S = g.reshape(g.matmul(Z, g.transpose(Z, [0, 2, 1])), [0, n * n]); // [B, N²]
    const tri = g.initializer(g.fresh('tri_idx'), 'int64', [(n * (n - 1)) / 2], BigInt64Array.from(triangleIndices(n).map(BigInt)));
    x = padCols(g, g.concat([x, g.gather(S, tri, 1)], 1), D + (n * (n - 1)) / 2, inTop);
    tape.Z = Z;
  } else {
    x = padCols(g, g.concat([x, g.reshape(emb, [0, F * D])], 1), D * (F + 1), inTop);
  }
  top.forEach((l, i) => {
    const y = linear(g, x, l);
    if (i === top.length - 1) {
      tape.top.push({ x });
      tape.logit = y;
    } else {
      const h = g.relu(y);
      tape.top.push({ x, h });
      x = h;
    }
  });
  return tape;
}

/**
 * dW [outPad, inPad] = Σ over batch chunks of dyᵀ·x; db = Σ_batch dy, summed from the transposed chunks along
 * their contiguous last axis (a ReduceSum down the batch axis of [B, out] ran ~5× slower).
 */
function weightGrads(g: GraphBuilder, x: string, dy: string, l: TunedLayer): { dW: string; db: string } {
  const [outPad, inPad] = l.tensor.dims;
  const C = l.splitK;
  const dyT = g.transpose(g.reshape(dy, [C, -1, outPad]), [0, 2, 1]); // [C, outPad, B/C]
  const parts = g.matmul(dyT, g.reshape(x, [C, -1, inPad])); // [C, outPad, inPad]
  const dW = C === 1 ? g.reshape(parts, [outPad, inPad]) : g.reduceSum(parts, [0]);
  return { dW, db: g.reduceSum(dyT, [0, 2]) };
}

const reluBackward = (g: GraphBuilder, h: string, dy: string) => {
  const zero = g.scalar(0, 'zero');
  return g.where(g.greater(h, zero), dy, zero);
};

export interface TunedGradients {
  /** dW [outPad, inPad] and db [outPad] per layer, bottom then top. */
  layers: { dW: string; db: string }[];
  dEmb: string;
}

/** dlogit [B, 1] → gradients of every layer and of the gathered embedding rows. */
export function tunedBackward(g: GraphBuilder, shape: DlrmShape, tape: TunedTape, bottom: TunedLayer[], top: TunedLayer[], dlogit: string): TunedGradients {
  const F = shape.tableSizes.length;
  const D = shape.embeddingDim;
  const topGrads: { dW: string; db: string }[] = [];
  let dOut = dlogit;
  for (let i = top.length - 1; i >= 0; i--) {
    const t = tape.top[i];
    const dy = t.h === undefined ? dOut : reluBackward(g, t.h, dOut);
    topGrads.unshift(weightGrads(g, t.x, dy, top[i]));
    dOut = g.matmul(dy, top[i].W); // [B, inPad]
  }
  const inTop = top[0].tensor.dims[1];
  let dBot: string;
  let dEmb: string;
  if (shape.interaction === 'dot') {
    const n = F + 1;
    const T = (n * (n - 1)) / 2;
    // The symmetric gradient G [B, N, N] gathers each pair's gradient twice and a zero on the diagonal. When the
    // top input is padded, dOut's column D + T is such a zero (the pad columns of top.0's W stay exactly zero):
    // G gathers straight from dOut and only the first D columns are cut out (no Split + Pad of [B, 368]).
    const sym = symmetricScatterIndices(n);
    let dBotDirect: string;
    let G: string;
    if (inTop > D + T) {
      const inv = g.initializer(g.fresh('sym_idx'), 'int64', [n * n], BigInt64Array.from(sym.map((k) => BigInt(D + k))));
      dBotDirect = g.node('Slice', [dOut, g.ints([0], 'starts'), g.ints([D], 'ends'), g.ints([1], 'axes')])[0];
      G = g.reshape(g.gather(dOut, inv, 1), [0, n, n]);
    } else {
      const [direct, dDots] = g.split(dOut, [D, T], 1);
      const inv = g.initializer(g.fresh('sym_idx'), 'int64', [n * n], BigInt64Array.from(sym.map(BigInt)));
      dBotDirect = direct;
      G = g.reshape(g.gather(g.pad(dDots, [0, 0, 0, 1]), inv, 1), [0, n, n]);
    }
    const [dZbot, dE] = g.split(g.matmul(G, tape.Z!), [1, n - 1], 1);
    dBot = g.add(g.squeeze(dZbot, [1]), dBotDirect);
    dEmb = dE;
  } else {
    const pieces = inTop > D * (F + 1) ? g.split(dOut, [D, F * D, inTop - D * (F + 1)], 1) : g.split(dOut, [D, F * D], 1);
    dBot = pieces[0];
    dEmb = g.reshape(pieces[1], [0, F, D]);
  }
  dOut = dBot;
  const bottomGrads: { dW: string; db: string }[] = [];
  for (let i = tape.bottom.length - 1; i >= 0; i--) {
    const t = tape.bottom[i];
    const dy = reluBackward(g, t.h!, dOut);
    bottomGrads.unshift(weightGrads(g, t.x, dy, bottom[i]));
    if (i > 0) dOut = g.matmul(dy, bottom[i].W);
  }
  return { layers: [...bottomGrads, ...topGrads], dEmb };
}

/**
 * Batch chunks for each layer's weight gradient at batch size B: enough chunks × output tiles (32 × 32) to fill
 * the card (~2048 workgroups), chunks of at least 128 rows, a power of two that divides B; 1 when B is not a
 * multiple of 4 (no vec4 path anyway).
 */
export function splitKFor(B: number, tensors: PackedTensor[]): number[] {
  return tensors
    .filter((t) => t.kind === 'W')
    .map((t) => {
      if (B % 4 !== 0) return 1;
      const tiles = Math.ceil(t.dims[0] / 32) * Math.ceil(t.dims[1] / 32);
      let C = 1;
      while (C * tiles < 2048 && B % (2 * C) === 0 && B / (2 * C) >= 128 && (B / (2 * C)) % 4 === 0) C *= 2;
      return C;
    });
}
