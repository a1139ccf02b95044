// Small deterministic models for tests and examples: no engine needed.
import type { DenseLayer, DlrmShape, ModelParams } from '@driftprune/engine';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random model of `shape`, weights uniform in ±scale (scale per layer name when given). */
export function randomParams(shape: DlrmShape, seed = 1, scale: Record<string, number> = {}): ModelParams {
  const rnd = mulberry32(seed);
  const layer = (name: string, inDim: number, outDim: number): DenseLayer => {
    const s = scale[name] ?? 1 / Math.sqrt(inDim);
    return {
      name,
      inDim,
      outDim,
      W: Float32Array.from({ length: inDim * outDim }, () => (rnd() * 2 - 1) * s),
      b: Float32Array.from({ length: outDim }, () => (rnd() * 2 - 1) * 0.1),
    };
  };
  const mk = (prefix: string, w: number[]) => w.slice(1).map((out, i) => layer(`${prefix}.${i}`, w[i], out));
  const rows = shape.tableSizes.reduce((a, b) => a + b, 0);
  return {
    shape,
    bottom: mk('bottom', shape.bottom),
    top: mk('top', shape.top),
    embeddings: Float32Array.from({ length: rows * shape.embeddingDim }, () => (rnd() * 2 - 1) * 0.05),
  };
}

/** A small DLRM shape: 4 dense features, 3 fields, embedding 8, dot interaction (4 vectors → 6 dots + 8). */
export function smallShape(bottomHidden = [32, 16], topHidden = [32, 16]): DlrmShape {
  const embeddingDim = 8;
  const fields = 3;
  const n = fields + 1;
  return {
    numDense: 4,
    tableSizes: [10, 10, 10],
    embeddingDim,
    bottom: [4, ...bottomHidden, embeddingDim],
    top: [embeddingDim + (n * (n - 1)) / 2, ...topHidden, 1],
    interaction: 'dot',
  };
}
