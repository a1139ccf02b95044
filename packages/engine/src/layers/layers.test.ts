// Every layer's backward checked on its own: against central differences in float64 (the same graph code built
// with double tensors) and against tfjs autodiff in float32 (relative error < 1e-4).
import { GraphBuilder, OrtSession, Tensor } from '@driftprune/onnx';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { loadTf, tfBce, tfCatInteraction, tfDotInteraction, tfLinear, tfRelu, triangleSelector, type Tf } from '../oracle/tfjs.js';
import { Rng } from '../rng.js';
import { relErr } from '../test-support.js';
import { bceBackward, bceForward, meanBceWithLogits, catInteractionBackward, catInteractionForward, dotInteractionBackward, dotInteractionForward, linearBackward, linearForward, reluBackward, reluForward } from './index.js';

type Float = 'float32' | 'float64';
interface Case {
  /** Input name → dims. */
  inputs: Record<string, number[]>;
  /** Dims of the forward output y (the upstream gradient `dy` has the same). */
  yDims: number[];
  /** Builds forward and backward; returns y and the gradient value of each differentiated input. */
  build(g: GraphBuilder, x: Record<string, string>, dy: string): { y: string; grads: Record<string, string> };
  /** Inputs that are not differentiated (e.g. labels) draw from this instead of N(0,1). */
  fixed?: Record<string, (i: number) => number>;
}

function values(c: Case, seed: number): Record<string, Float64Array> {
  const rng = new Rng(seed);
  const out: Record<string, Float64Array> = {};
  for (const [k, dims] of Object.entries({ ...c.inputs, dy: c.yDims })) {
    const n = dims.reduce((a, b) => a * b, 1);
    out[k] = Float64Array.from({ length: n }, (_, i) => (c.fixed?.[k] ? c.fixed[k](i) : rng.normal()));
  }
  return out;
}

function session(c: Case, float: Float) {
  const g = new GraphBuilder('layer', float);
  const x: Record<string, string> = {};
  for (const [k, dims] of Object.entries(c.inputs)) x[k] = g.input(k, dims);
  const dy = g.input('dy', c.yDims);
  const r = c.build(g, x, dy);
  g.output(r.y, 'y', c.yDims);
  for (const [k, v] of Object.entries(r.grads)) g.output(v, `d_${k}`, c.inputs[k]);
  return { s: new OrtSession(g.build(), { threads: 1 }), gradNames: Object.keys(r.grads) };
}

function run(s: OrtSession, c: Case, vals: Record<string, Float64Array>, float: Float): Record<string, Float64Array> {
  const feeds: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(vals)) {
    const dims = k === 'dy' ? c.yDims : c.inputs[k];
    feeds[k] = float === 'float64' ? new Tensor('float64', v, dims) : new Tensor('float32', Float32Array.from(v), dims);
  }
  const out = s.run(feeds, Object.fromEntries(s.outputNames.map((n) => [n, null])));
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Float64Array.from(t.data as ArrayLike<number>)]));
}

/** Analytic (ONNX, float64) vs central differences of L = Σ y·dy. */
function numericalCheck(c: Case, seed = 1): number {
  const { s, gradNames } = session(c, 'float64');
  const vals = values(c, seed);
  const analytic = run(s, c, vals, 'float64');
  let worst = 0;
  const h = 1e-6;
  for (const k of gradNames) {
    const num = new Float64Array(vals[k].length);
    for (let i = 0; i < vals[k].length; i++) {
      const orig = vals[k][i];
      const L = (v: number) => {
        vals[k][i] = v;
        const y = run(s, c, vals, 'float64').y;
        return y.reduce((a, yi, j) => a + yi * vals.dy[j], 0);
      };
      num[i] = (L(orig + h) - L(orig - h)) / (2 * h);
      vals[k][i] = orig;
    }
    worst = Math.max(worst, relErr(analytic[`d_${k}`], num, 1e-8));
  }
  s.dispose();
  return worst;
}

/** Analytic (ONNX, float32) vs tfjs autodiff (float32) of L = Σ f(x)·dy; `toTfY` maps tfjs's y to the layer's layout. */
function oracleCheck(tf: Tf, c: Case, f: (xs: Record<string, TF.Tensor>) => TF.Tensor, seed = 2): number {
  const { s, gradNames } = session(c, 'float32');
  const vals = values(c, seed);
  const ours = run(s, c, vals, 'float32');
  s.dispose();
  return tf.tidy(() => {
    const ts: Record<string, TF.Tensor> = {};
    for (const [k, dims] of Object.entries(c.inputs)) ts[k] = tf.tensor(Float32Array.from(vals[k]), dims);
    const dy = tf.tensor(Float32Array.from(vals.dy), c.yDims);
    const grads = tf.grads((...xs: TF.Tensor[]) => {
      const m = { ...ts };
      gradNames.forEach((k, i) => (m[k] = xs[i]));
      return tf.sum(tf.mul(f(m), dy));
    })(gradNames.map((k) => ts[k]));
    let worst = relErr(ours.y, f(ts).dataSync());
    gradNames.forEach((k, i) => (worst = Math.max(worst, relErr(ours[`d_${k}`], grads[i].dataSync()))));
    return worst;
  });
}

const B = 5;
const linear: Case = {
  inputs: { x: [B, 4], W: [3, 4], b: [3] },
  yDims: [B, 3],
  build(g, x, dy) {
    const lin = { x: x.x, W: x.W, b: x.b };
    const r = linearBackward(g, lin, dy, { needDx: true });
    return { y: linearForward(g, lin), grads: { x: r.dx!, W: r.dW, b: r.db } };
  },
};
// The top MLP's first layer after the dot interaction: input [in, B], dx wanted as [in, B].
const linearFeatureMajor: Case = {
  inputs: { x: [4, B], W: [3, 4], b: [3] },
  yDims: [B, 3],
  build(g, x, dy) {
    const lin = { x: x.x, W: x.W, b: x.b, featureMajor: true };
    const r = linearBackward(g, lin, dy, { needDx: true, dxFeatureMajor: true });
    return { y: linearForward(g, lin), grads: { x: r.dx!, W: r.dW, b: r.db } };
  },
};
const relu: Case = {
  inputs: { x: [B, 6] },
  yDims: [B, 6],
  build(g, x, dy) {
    const y = reluForward(g, x.x);
    return { y, grads: { x: reluBackward(g, y, dy, 'where') } };
  },
};
const reluMul: Case = { ...relu, build: (g, x, dy) => { const y = reluForward(g, x.x); return { y, grads: { x: reluBackward(g, y, dy, 'mul') } }; } };
const F = 3;
const D = 4;
const T = ((F + 1) * F) / 2;
const dot: Case = {
  inputs: { bot: [B, D], emb: [B, F, D] },
  yDims: [D + T, B],
  build(g, x, dy) {
    const r = dotInteractionForward(g, x.bot, x.emb, F, D);
    const gr = dotInteractionBackward(g, r.saved, dy);
    return { y: r.x, grads: { bot: gr.dBot, emb: gr.dEmb } };
  },
};
const cat: Case = {
  inputs: { bot: [B, D], emb: [B, F, D] },
  yDims: [B, D + F * D],
  build(g, x, dy) {
    const gr = catInteractionBackward(g, dy, F, D);
    return { y: catInteractionForward(g, x.bot, x.emb, F, D), grads: { bot: gr.dBot, emb: gr.dEmb } };
  },
};
// The loss is a scalar; dy scales it. Labels are fixed 0/1, logits are differentiated.
const bce: Case = {
  inputs: { z: [B, 1], lab: [B, 1], inv: [] },
  yDims: [],
  fixed: { lab: (i) => i % 2, inv: () => 1 / B },
  build(g, x, dy) {
    return { y: bceForward(g, x.z, x.lab), grads: { z: g.mul(bceBackward(g, x.z, x.lab, x.inv), dy) } };
  },
};

describe('layer gradients vs central differences (float64)', () => {
  for (const [name, c] of Object.entries({ linear, linearFeatureMajor, relu, reluMul, dot, cat, bce })) {
    test(name, () => {
      const e = numericalCheck(c);
      assert.ok(e < 1e-6, `${name}: relative error ${e}`);
    });
  }
});

describe('layer gradients vs the tfjs oracle (float32)', () => {
  let tf: Tf;
  before(async () => {
    tf = (await loadTf()).tf;
  });
  const cases: [string, Case, (tf: Tf, xs: Record<string, TF.Tensor>) => TF.Tensor][] = [
    ['linear', linear, (tf, x) => tfLinear(tf, x.x as TF.Tensor2D, x.W as TF.Tensor2D, x.b as TF.Tensor1D)],
    ['linearFeatureMajor', linearFeatureMajor, (tf, x) => tfLinear(tf, tf.transpose(x.x) as TF.Tensor2D, x.W as TF.Tensor2D, x.b as TF.Tensor1D)],
    ['relu', relu, (tf, x) => tfRelu(tf, x.x)],
    ['reluMul', reluMul, (tf, x) => tfRelu(tf, x.x)],
    ['dot', dot, (tf, x) => tf.transpose(tfDotInteraction(tf, x.bot as TF.Tensor2D, x.emb as TF.Tensor3D, triangleSelector(tf, F + 1)))],
    ['cat', cat, (tf, x) => tfCatInteraction(tf, x.bot as TF.Tensor2D, x.emb as TF.Tensor3D)],
    ['bce', bce, (tf, x) => tfBce(tf, x.z, x.lab)],
  ];
  for (const [name, c, f] of cases) {
    test(name, () => {
      const e = oracleCheck(tf, c, (xs) => f(tf, xs));
      assert.ok(e < 1e-4, `${name}: relative error ${e}`);
    });
  }
});

test('meanBceWithLogits equals −mean(y·log p + (1−y)·log(1−p)) computed naively, and stays finite for large logits', () => {
  const z = new Float32Array([-3, -0.5, 0, 0.7, 4]);
  const y = new Float32Array([0, 1, 1, 0, 1]);
  let naive = 0;
  for (let i = 0; i < z.length; i++) {
    const p = 1 / (1 + Math.exp(-z[i]));
    naive -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
  }
  naive /= z.length;
  assert.ok(Math.abs(meanBceWithLogits(z, y) - naive) < 1e-6);
  const big = meanBceWithLogits(new Float32Array([1000, -1000]), new Float32Array([0, 1]));
  assert.ok(Number.isFinite(big) && Math.abs(big - 1000) < 1e-9);
});
