// The DLRM forward pass as ONNX nodes, shared by the training, prediction and serving graphs. It records what the
// backward pass needs (a tape) next to the values it computes.
import type { GraphBuilder } from '@driftprune/onnx';
import { catInteractionForward, type DotSaved, dotInteractionForward } from '../layers/index.js';
import { linearForward, type LinearInput } from '../layers/linear.js';
import { reluForward } from '../layers/relu.js';
import type { DlrmShape } from '../types.js';

export interface LayerValues {
  W: string;
  b: string;
}

export interface Tape {
  /** Per layer (bottom then top): its linear input and its post-ReLU output (undefined for the last top layer). */
  bottom: { lin: LinearInput; h: string }[];
  top: { lin: LinearInput; h?: string }[];
  dot?: DotSaved;
  logit: string;
}

/** dense [B, numDense], emb [B, F, D] → logit [B, 1]. */
export function dlrmForward(g: GraphBuilder, shape: DlrmShape, dense: string, emb: string, bottom: LayerValues[], top: LayerValues[]): Tape {
  const F = shape.tableSizes.length;
  const D = shape.embeddingDim;
  const tape: Tape = { bottom: [], top: [], logit: '' };
  let x = dense;
  for (const l of bottom) {
    const lin: LinearInput = { x, W: l.W, b: l.b };
    const h = reluForward(g, linearForward(g, lin));
    tape.bottom.push({ lin, h });
    x = h;
  }
  let featureMajor = false;
  if (shape.interaction === 'dot') {
    const r = dotInteractionForward(g, x, emb, F, D);
    x = r.x;
    tape.dot = r.saved;
    featureMajor = true;
  } else {
    x = catInteractionForward(g, x, emb, F, D);
  }
  top.forEach((l, i) => {
    const lin: LinearInput = { x, W: l.W, b: l.b, featureMajor: i === 0 && featureMajor };
    const pre = linearForward(g, lin);
    if (i === top.length - 1) {
      tape.top.push({ lin });
      tape.logit = pre;
    } else {
      const h = reluForward(g, pre);
      tape.top.push({ lin, h });
      x = h;
    }
  });
  return tape;
}
