// DLRM's dot interaction: the pairwise dot products of the N = F + 1 vectors (bottom MLP output and the F
// embeddings), strictly lower triangle (i > j, ordered by i then j, as in facebookresearch/dlrm), concatenated
// after the bottom output. The result is produced feature-major ([D + T, B]): onnxruntime's CPU Gather is slow on
// axis 1 with one-element blocks, so the triangle is gathered on axis 0 of the transposed products, and the top
// MLP's first Gemm reads it with transA.
import type { GraphBuilder } from '@driftprune/onnx';

/** Indices (i·N + j) of the strictly lower triangle, i > j. */
export function triangleIndices(n: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) idx.push(i * n + j);
  return idx;
}

/**
 * For every position (i, j) of the N × N product, which triangle entry feeds it in the symmetric gradient
 * G = dS + dSᵀ: t for (i, j) or (j, i) being pair t, else T (a zero row appended to the gradient).
 */
export function symmetricScatterIndices(n: number): number[] {
  const T = (n * (n - 1)) / 2;
  const inv = new Array<number>(n * n).fill(T);
  triangleIndices(n).forEach((p, t) => {
    const i = Math.floor(p / n);
    const j = p % n;
    inv[i * n + j] = t;
    inv[j * n + i] = t;
  });
  return inv;
}

export interface DotSaved {
  Z: string;
  n: number;
  D: number;
}

/** bot [B, D], emb [B, F, D] → x [D + T, B] (feature-major). */
export function dotInteractionForward(g: GraphBuilder, bot: string, emb: string, F: number, D: number): { x: string; saved: DotSaved } {
  const n = F + 1;
  const Z = g.concat([g.unsqueeze(bot, [1]), emb], 1); // [B, N, D]
  const S = g.matmul(Z, g.transpose(Z, [0, 2, 1])); // [B, N, N]
  const St = g.transpose(g.reshape(S, [-1, n * n]), [1, 0]); // [N², B]
  const tri = g.initializer(g.fresh('tri_idx'), 'int64', [(n * (n - 1)) / 2], BigInt64Array.from(triangleIndices(n).map(BigInt)));
  const dotsT = g.gather(St, tri, 0); // [T, B]
  const x = g.concat([g.transpose(bot, [1, 0]), dotsT], 0); // [D + T, B]
  return { x, saved: { Z, n, D } };
}

/** dx [D + T, B] (feature-major) → dBot [B, D], dEmb [B, F, D]. */
export function dotInteractionBackward(g: GraphBuilder, saved: DotSaved, dx: string): { dBot: string; dEmb: string } {
  const { Z, n, D } = saved;
  const T = (n * (n - 1)) / 2;
  const [dBotT, dDotsT] = g.split(dx, [D, T], 0);
  const padded = g.pad(dDotsT, [0, 0, 1, 0]); // [T + 1, B], last row zero
  const inv = g.initializer(g.fresh('sym_idx'), 'int64', [n * n], BigInt64Array.from(symmetricScatterIndices(n).map(BigInt)));
  const G = g.reshape(g.transpose(g.gather(padded, inv, 0), [1, 0]), [-1, n, n]); // [B, N, N], symmetric
  const dZ = g.matmul(G, Z); // d(Z·Zᵀ) = (dS + dSᵀ)·Z
  const [dZbot, dEmb] = g.split(dZ, [1, n - 1], 1);
  const dBot = g.add(g.squeeze(dZbot, [1]), g.transpose(dBotT, [1, 0]));
  return { dBot, dEmb };
}
