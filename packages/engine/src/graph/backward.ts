// The DLRM backward pass as ONNX nodes, walking the forward tape in reverse.
import type { GraphBuilder } from '@driftprune/onnx';
import { bceBackward, catInteractionBackward, dotInteractionBackward, linearBackward, reluBackward, type ReluGradForm } from '../layers/index.js';
import type { DlrmShape } from '../types.js';
import type { Tape } from './forward.js';

export interface Gradients {
  /** dW, db per layer, bottom then top. */
  layers: { dW: string; db: string }[];
  dEmb: string;
}

export function dlrmBackward(g: GraphBuilder, shape: DlrmShape, tape: Tape, labels2d: string, invBatch: string, o: { reluGrad?: ReluGradForm; transposeDy?: boolean } = {}): Gradients {
  const F = shape.tableSizes.length;
  const D = shape.embeddingDim;
  const topGrads: { dW: string; db: string }[] = [];
  let dOut = bceBackward(g, tape.logit, labels2d, invBatch);
  for (let i = tape.top.length - 1; i >= 0; i--) {
    const t = tape.top[i];
    const dy = t.h === undefined ? dOut : reluBackward(g, t.h, dOut, o.reluGrad);
    const r = linearBackward(g, t.lin, dy, { needDx: true, dxFeatureMajor: t.lin.featureMajor, transposeDy: o.transposeDy });
    topGrads.unshift({ dW: r.dW, db: r.db });
    dOut = r.dx!;
  }
  const inter = shape.interaction === 'dot' ? dotInteractionBackward(g, tape.dot!, dOut) : catInteractionBackward(g, dOut, F, D);
  dOut = inter.dBot;
  const bottomGrads: { dW: string; db: string }[] = [];
  for (let i = tape.bottom.length - 1; i >= 0; i--) {
    const t = tape.bottom[i];
    const dy = reluBackward(g, t.h, dOut, o.reluGrad);
    const r = linearBackward(g, t.lin, dy, { needDx: i > 0, transposeDy: o.transposeDy });
    bottomGrads.unshift({ dW: r.dW, db: r.db });
    if (r.dx) dOut = r.dx;
  }
  return { layers: [...bottomGrads, ...topGrads], dEmb: inter.dEmb };
}
