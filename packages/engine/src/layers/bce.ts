// Sigmoid + binary cross-entropy on logits, the numerically stable form:
//   ℓ(z, y) = max(z, 0) − z·y + log(1 + exp(−|z|)),   ∂ℓ/∂z = sigmoid(z) − y.
// The loss is the batch mean, so the gradient carries 1/B (fed as `invBatch`: the last batch may be short).
import type { GraphBuilder } from '@driftprune/onnx';

/** z [B, 1], y [B, 1] → mean loss (scalar). */
export function bceForward(g: GraphBuilder, z: string, y: string): string {
  const one = g.scalar(1, 'one');
  const softplusNegAbs = g.log(g.add(one, g.exp(g.neg(g.abs(z)))));
  const perRow = g.add(g.sub(g.relu(z), g.mul(z, y)), softplusNegAbs);
  return g.reduceMean(perRow, [0, 1]);
}

/** dz [B, 1] of the mean loss. */
export function bceBackward(g: GraphBuilder, z: string, y: string, invBatch: string): string {
  return g.mul(g.sub(g.sigmoid(z), y), invBatch);
}

/** The same loss on the host, from logits the engine returned: the batch mean of ℓ(z_i, y_i). */
export function meanBceWithLogits(z: Float32Array, labels: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    const x = z[i];
    sum += Math.max(x, 0) - x * labels[i] + Math.log1p(Math.exp(-Math.abs(x)));
  }
  return sum / z.length;
}
