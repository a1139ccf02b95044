// Concat interaction: the bottom output followed by the F embeddings, flattened: [B, D + F·D] (batch-major).
import type { GraphBuilder } from '@driftprune/onnx';

export function catInteractionForward(g: GraphBuilder, bot: string, emb: string, F: number, D: number): string {
  return g.concat([bot, g.reshape(emb, [-1, F * D])], 1);
}

export function catInteractionBackward(g: GraphBuilder, dx: string, F: number, D: number): { dBot: string; dEmb: string } {
  const [dBot, dFlat] = g.split(dx, [D, F * D], 1);
  return { dBot, dEmb: g.reshape(dFlat, [-1, F, D]) };
}
