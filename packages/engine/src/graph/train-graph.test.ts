// The whole training graph's gradients: against central differences (float64, every coordinate of a tiny model)
// and against tfjs autodiff (float32), for both interactions, with masks and Taylor outputs exercised.
import { OrtSession, Tensor } from '@driftprune/onnx';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initParams } from '../init.js';
import { gatherRows } from '../layers/embedding.js';
import { OPTIMIZERS } from '../optim/index.js';
import { loadTf, tfDlrmGradients } from '../oracle/tfjs.js';
import { resolveShape, tableOffsets } from '../shape.js';
import { makeBatch, relErr } from '../test-support.js';
import type { DlrmShape, ModelParams } from '../types.js';
import { IN, OUT, biasName, weightName } from './names.js';
import { buildTrainGraph } from './train-graph.js';

const tiny = (interaction: 'dot' | 'cat'): DlrmShape =>
  resolveShape({ embeddingDim: 3, bottomMlp: [5], topMlp: [4], interaction }, { numDense: 2, tableSizes: [4, 6] });

function gradsOf(params: ModelParams, B: number, float: 'float32' | 'float64') {
  const shape = params.shape;
  const session = new OrtSession(buildTrainGraph({ shape, optimizer: OPTIMIZERS.sgd, masked: new Set(), taylor: false, float, exposeGradients: true }), { threads: 1 });
  const batch = makeBatch(shape, B, 7);
  const F = shape.tableSizes.length;
  const D = shape.embeddingDim;
  const emb = new Float32Array(B * F * D);
  gatherRows(params.embeddings, D, tableOffsets(shape), batch.cat, B, emb);
  const T = (a: ArrayLike<number>, dims: number[]) => (float === 'float64' ? new Tensor('float64', Float64Array.from(a), dims) : new Tensor('float32', Float32Array.from(a), dims));
  const layers = [...params.bottom, ...params.top];
  const feedsWith = (override?: { key: string; i: number; v: number }) => {
    const val = (key: string, a: ArrayLike<number>) => {
      const c = Float64Array.from(a);
      if (override?.key === key) c[override.i] = override.v;
      return c;
    };
    const feeds: Record<string, Tensor> = {
      [IN.dense]: T(val('dense', batch.dense), [B, shape.numDense]),
      [IN.emb]: T(val('emb', emb), [B, F, D]),
      [IN.labels]: T(batch.labels, [B]),
      [IN.invBatch]: T([1 / B], []),
      'opt.lr': T([0], []),
    };
    for (const l of layers) {
      feeds[weightName(l.name)] = T(val(weightName(l.name), l.W), [l.outDim, l.inDim]);
      feeds[biasName(l.name)] = T(val(biasName(l.name), l.b), [l.outDim]);
    }
    return feeds;
  };
  const run = (feeds: Record<string, Tensor>) => session.run(feeds, Object.fromEntries(session.outputNames.map((n) => [n, null])));
  const out = run(feedsWith());
  const analytic: Record<string, ArrayLike<number>> = { emb: out[OUT.embGrad].data as ArrayLike<number> };
  for (const l of layers) {
    analytic[weightName(l.name)] = out[`${weightName(l.name)}.grad`].data as ArrayLike<number>;
    analytic[biasName(l.name)] = out[`${biasName(l.name)}.grad`].data as ArrayLike<number>;
  }
  const base: Record<string, ArrayLike<number>> = { emb };
  for (const l of layers) {
    base[weightName(l.name)] = l.W;
    base[biasName(l.name)] = l.b;
  }
  const loss = (key: string, i: number, v: number) => (run(feedsWith({ key, i, v }))[OUT.loss].data as ArrayLike<number>)[0];
  return { session, batch, emb, analytic, base, loss, lossValue: (out[OUT.loss].data as ArrayLike<number>)[0] };
}

describe('whole-model gradient', () => {
  for (const interaction of ['dot', 'cat'] as const) {
    test(`${interaction}: every coordinate vs central differences (float64)`, () => {
      const params = initParams(tiny(interaction), 3);
      const r = gradsOf(params, 4, 'float64');
      const h = 1e-6;
      for (const [key, a] of Object.entries(r.analytic)) {
        const num = Array.from(r.base[key], (x, i) => (r.loss(key, i, x + h) - r.loss(key, i, x - h)) / (2 * h));
        const e = relErr(a, num, 1e-8);
        assert.ok(e < 1e-6, `${key}: relative error ${e}`);
      }
      r.session.dispose();
    });

    test(`${interaction}: vs tfjs autodiff (float32, relative error < 1e-4)`, async () => {
      const { tf } = await loadTf();
      const shape = resolveShape({ embeddingDim: 4, bottomMlp: [16, 8], topMlp: [12, 6], interaction }, { numDense: 5, tableSizes: [10, 20, 30] });
      const params = initParams(shape, 11);
      const B = 32;
      const r = gradsOf(params, B, 'float32');
      const layers = [...params.bottom, ...params.top];
      const t = tfDlrmGradients(tf, shape, layers, r.batch.dense, r.emb, r.batch.labels, B);
      assert.ok(Math.abs(t.loss - r.lossValue) < 1e-5, `loss ${r.lossValue} vs tfjs ${t.loss}`);
      assert.ok(relErr(r.analytic.emb, t.dEmb) < 1e-4, `emb: ${relErr(r.analytic.emb, t.dEmb)}`);
      layers.forEach((l, i) => {
        assert.ok(relErr(r.analytic[weightName(l.name)], t.dW[i]) < 1e-4, `${l.name}.W: ${relErr(r.analytic[weightName(l.name)], t.dW[i])}`);
        assert.ok(relErr(r.analytic[biasName(l.name)], t.db[i]) < 1e-4, `${l.name}.b: ${relErr(r.analytic[biasName(l.name)], t.db[i])}`);
      });
      r.session.dispose();
    });
  }
});
