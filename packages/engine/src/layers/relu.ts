// ReLU and its gradient: dx = dy where y > 0, else 0 (y = relu(x), so y > 0 ⇔ x > 0).
import type { GraphBuilder } from '@driftprune/onnx';

export function reluForward(g: GraphBuilder, x: string): string {
  return g.relu(x);
}

export function reluBackward(g: GraphBuilder, y: string, dy: string): string {
  const zero = g.scalar(0, 'zero');
  return g.where(g.greater(y, zero), dy, zero);
}
