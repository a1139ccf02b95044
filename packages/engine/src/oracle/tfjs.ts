// The same DLRM in TensorFlow.js: the oracle the ONNX engine is tested against (gradients through tfjs autodiff)
// and an optional, slower engine. tfjs-node / tfjs-node-gpu are used when a user has installed them (loaded
// dynamically, not dependencies); otherwise @tensorflow/tfjs on the wasm backend.
import type * as TF from '@tensorflow/tfjs';
import { triangleIndices } from '../layers/dot-interaction.js';
import type { DlrmShape } from '../types.js';

export type Tf = typeof TF;
let loaded: Promise<{ tf: Tf; backend: string }> | undefined;

/** Loads tfjs once: tfjs-node-gpu, tfjs-node, else @tensorflow/tfjs + wasm (and cpu if wasm fails to start). */
export function loadTf(): Promise<{ tf: Tf; backend: string }> {
  loaded ??= (async () => {
    // Module names in variables: these packages are optional and absent from the dependency graph.
    for (const native of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        const tf = (await import(native)) as Tf;
        return { tf, backend: tf.getBackend() };
      } catch {
        // not installed (or its native library is missing): try the next
      }
    }
    const tf = (await import('@tensorflow/tfjs')) as Tf;
    await import('@tensorflow/tfjs-backend-wasm');
    let ok = false;
    try {
      ok = await tf.setBackend('wasm');
    } catch {
      ok = false;
    }
    if (!ok) await tf.setBackend('cpu');
    await tf.ready();
    return { tf, backend: tf.getBackend() };
  })();
  return loaded;
}

// ---- layers (float32, batch-major) -------------------------------------------------------------------------------

export const tfLinear = (tf: Tf, x: TF.Tensor2D, W: TF.Tensor2D, b: TF.Tensor1D) => tf.add(tf.matMul(x, W, false, true), b) as TF.Tensor2D;
export const tfRelu = (tf: Tf, x: TF.Tensor) => tf.relu(x);

/** One-hot selection [N², T] of the strictly lower triangle: a matMul keeps autodiff on every backend. */
export function triangleSelector(tf: Tf, n: number): TF.Tensor2D {
  const idx = triangleIndices(n);
  const sel = new Float32Array(n * n * idx.length);
  idx.forEach((p, t) => (sel[p * idx.length + t] = 1));
  return tf.tensor2d(sel, [n * n, idx.length]);
}

/** bot [B, D], emb [B, F, D] → [B, D + T] (the engine's layer returns the transpose). */
export function tfDotInteraction(tf: Tf, bot: TF.Tensor2D, emb: TF.Tensor3D, selector: TF.Tensor2D): TF.Tensor2D {
  const [B, F] = emb.shape;
  const n = F + 1;
  const Z = tf.concat([tf.expandDims(bot, 1), emb], 1) as TF.Tensor3D;
  const S = tf.matMul(Z, Z, false, true);
  const dots = tf.matMul(tf.reshape(S, [B, n * n]) as TF.Tensor2D, selector);
  return tf.concat([bot, dots], 1) as TF.Tensor2D;
}

export function tfCatInteraction(tf: Tf, bot: TF.Tensor2D, emb: TF.Tensor3D): TF.Tensor2D {
  const [B, F, D] = emb.shape;
  return tf.concat([bot, tf.reshape(emb, [B, F * D]) as TF.Tensor2D], 1);
}

/** Mean of max(z,0) − z·y + log(1 + exp(−|z|)). */
export function tfBce(tf: Tf, z: TF.Tensor, y: TF.Tensor): TF.Scalar {
  return tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))))) as TF.Scalar;
}

// ---- the whole model ---------------------------------------------------------------------------------------------

export interface TfParams {
  W: TF.Tensor2D[];
  b: TF.Tensor1D[];
}

/** The DLRM logits [B, 1] from gathered rows, bottom layers first in `p`. */
export function tfDlrmLogits(tf: Tf, shape: DlrmShape, p: TfParams, dense: TF.Tensor2D, emb: TF.Tensor3D, selector?: TF.Tensor2D): TF.Tensor2D {
  const nBottom = shape.bottom.length - 1;
  let x = dense;
  for (let i = 0; i < nBottom; i++) x = tfRelu(tf, tfLinear(tf, x, p.W[i], p.b[i])) as TF.Tensor2D;
  x = shape.interaction === 'dot' ? tfDotInteraction(tf, x, emb, selector!) : tfCatInteraction(tf, x, emb);
  for (let i = nBottom; i < p.W.length; i++) {
    x = tfLinear(tf, x, p.W[i], p.b[i]);
    if (i < p.W.length - 1) x = tfRelu(tf, x) as TF.Tensor2D;
  }
  return x;
}

export interface TfGradients {
  loss: number;
  dW: Float32Array[];
  db: Float32Array[];
  /** Gradient of the gathered rows, [B, F, D]. */
  dEmb: Float32Array;
}

/** Loss and gradients of the mean BCE with respect to every layer and the gathered embedding rows. */
export function tfDlrmGradients(
  tf: Tf,
  shape: DlrmShape,
  layers: { W: Float32Array; b: Float32Array; inDim: number; outDim: number }[],
  dense: Float32Array,
  emb: Float32Array,
  labels: Float32Array,
  B: number,
): TfGradients {
  return tf.tidy(() => {
    const F = shape.tableSizes.length;
    const D = shape.embeddingDim;
    const Ws = layers.map((l) => tf.tensor2d(l.W, [l.outDim, l.inDim]));
    const bs = layers.map((l) => tf.tensor1d(l.b));
    const denseT = tf.tensor2d(dense.subarray(0, B * shape.numDense), [B, shape.numDense]);
    const embT = tf.tensor3d(emb.subarray(0, B * F * D), [B, F, D]);
    const y = tf.tensor2d(labels.subarray(0, B), [B, 1]);
    const selector = shape.interaction === 'dot' ? triangleSelector(tf, F + 1) : undefined;
    const n = layers.length;
    const f = (...xs: TF.Tensor[]) =>
      tfBce(tf, tfDlrmLogits(tf, shape, { W: xs.slice(0, n) as TF.Tensor2D[], b: xs.slice(n, 2 * n) as TF.Tensor1D[] }, denseT, xs[2 * n] as TF.Tensor3D, selector), y);
    const { value, grads } = tf.valueAndGrads(f)([...Ws, ...bs, embT]);
    return {
      loss: value.dataSync()[0],
      dW: grads.slice(0, n).map((g) => g.dataSync() as Float32Array),
      db: grads.slice(n, 2 * n).map((g) => g.dataSync() as Float32Array),
      dEmb: grads[2 * n].dataSync() as Float32Array,
    };
  });
}
