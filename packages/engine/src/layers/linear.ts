// Linear layer y = x·Wᵀ + b (W is out × in), forward and backward as ONNX nodes.
// The input may be feature-major ([in, B], as the dot interaction produces it): Gemm's transA reads it without a copy.
import type { GraphBuilder } from '@driftprune/onnx';

export interface LinearInput {
  /** [B, in] or, with featureMajor, [in, B]. */
  x: string;
  W: string;
  b: string;
  featureMajor?: boolean;
}

/** y [B, out] */
export function linearForward(g: GraphBuilder, v: LinearInput): string {
  return g.gemm(v.x, v.W, v.b, { transA: v.featureMajor, transB: true });
}

export interface LinearGrads {
  dW: string;
  db: string;
  /** Only when asked for: [B, in], or [in, B] with dxFeatureMajor. */
  dx?: string;
}

/**
 * dW = dyᵀ·x, db = Σ_batch dy, dx = dy·W. With `transposeDy`, dW is an explicit Transpose of dy followed by a
 * Gemm without transA: onnxruntime's CPU Gemm is markedly slower with transA than without.
 */
export function linearBackward(g: GraphBuilder, v: LinearInput, dy: string, o: { needDx: boolean; dxFeatureMajor?: boolean; transposeDy?: boolean }): LinearGrads {
  const dW = o.transposeDy
    ? g.gemm(g.transpose(dy, [1, 0]), v.x, undefined, { transB: v.featureMajor })
    : g.gemm(dy, v.x, undefined, { transA: true, transB: v.featureMajor });
  const db = g.reduceSum(dy, [0]);
  if (!o.needDx) return { dW, db };
  const dx = o.dxFeatureMajor ? g.gemm(v.W, dy, undefined, { transA: true, transB: true }) : g.gemm(dy, v.W, undefined);
  return { dW, db, dx };
}
