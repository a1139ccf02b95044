// The `learned` allocation (ours; method.md § Pruning operator): per-layer sparsity learned on the latest window
// under the FLOPs budget, instead of read off a long average of Taylor scores.
//
// Every hidden neuron j of layer l gets a gate γ_lj ∈ [0, 1]: the probability that it is on. Each step samples
// z_lj ~ Bernoulli(γ_lj) and scales the neuron's output by z — the same as scaling column j of the next layer's W —
// and takes dL/dz_lj = Σ_k dL/dW'_{l+1}[k,j]·W_{l+1}[k,j] from the engine's gradient probe (weights fixed) as the
// gate's gradient (straight-through). Sampling is what measures importance: at γ = 1 every neuron of a trained
// model has a gradient near 0 (it sits at an optimum), but with neighbours switched off at random the loss's
// dependence on a neuron shows. The model's expected cost is its MLP cost at widths n_l = Σ_j γ_lj, and the gates are
// trained on the window's batches (projected gradient descent, γ kept in [0, 1]) on the augmented Lagrangian
//     BCE(γ) + λ·(cost(n) − target)/cost(dense) + (ρ/2)·((cost(n) − target)/cost(dense))²
// with λ raised by dual ascent while the expected cost is above the budget's target and lowered while below. A gate closes when the loss defends it less than λ times its layer's cost per neuron; as gates close
// the others' importance is re-measured, so redundancy within and across layers counts (a one-shot ranking cannot
// see it). The loss gradient is divided by its RMS over all gates at every step, so λ and the step size do not
// depend on the loss's scale (tiny on weak streams), and the cost term by its mean per gate. The result: per layer
// its learned width round(n_l) and each neuron's gate (its rank within the layer, ties broken by how much the loss
// defended it); packages/pruning's `learned` rule then lands exactly on the budget from there.
import type { Batch } from '@driftprune/data';
import { Rng } from '@driftprune/data/random';
import { createGradientProbe, type ModelParams } from '@driftprune/engine';
import { prunableLayers, type BudgetUnit } from '@driftprune/pruning';

export interface GateLearningOptions {
  /** Fraction of the dense model's MLP cost to remove (the pruning budget). */
  budget: number;
  unit: BudgetUnit;
  minWidth: number;
  steps: number;
  /** Step size of the gates (each moves by at most lr × its normalised gradient per step). */
  lr: number;
  dualLr: number;
  /** Dense widths of the MLPs (the budget is relative to them); the model's own widths when absent. */
  denseWidths?: { bottom: number[]; top: number[] };
  threads?: number;
  signal?: AbortSignal;
  /** Seed of the gate samples (the run's seed and window: reproducible). */
  seed: number;
}

export interface LearnedGates {
  /** Per prunable layer, each current neuron's gate in [0, 1] (ties broken by how much the loss defended it): its rank within the layer. */
  scores: Record<string, Float64Array>;
  /** Per prunable layer, the width it learned: round(Σ gates), within [minWidth, its width]. */
  widths: Record<string, number>;
  /** Rows the gates trained on (each one forward and backward pass of the model: training compute). */
  rows: number;
  /** The budget multiplier at the end, and the expected cost relative to dense (diagnostics). */
  lambda: number;
  expectedCostRatio: number;
}

/** Weight of the augmented Lagrangian's proportional term, relative to dualLr. */
const PROPORTIONAL = 10;

/** The MLP cost at (possibly fractional) widths, and its derivative with respect to each hidden width. */
function cost(widths: number[], unit: BudgetUnit): { value: number; grad: number[] } {
  let value = 0;
  const grad = widths.map(() => 0);
  for (let i = 0; i + 1 < widths.length; i++) {
    const [a, b] = [widths[i], widths[i + 1]];
    value += unit === 'flops' ? 2 * a * b : a * b + b;
    grad[i] += unit === 'flops' ? 2 * b : b;
    grad[i + 1] += unit === 'flops' ? 2 * a : a + 1;
  }
  return { value, grad };
}

export async function learnGates(params: ModelParams, batches: () => AsyncIterable<Batch>, o: GateLearningOptions): Promise<LearnedGates> {
  const layers = prunableLayers(params).map(({ layer, next, mlp, index }) => ({ layer, next, mlp, widthIndex: index + 1 }));
  const gate = new Map(layers.map((l) => [l.layer.name, new Float64Array(l.layer.outDim).fill(1)]));
  const defended = new Map(layers.map((l) => [l.layer.name, new Float64Array(l.layer.outDim)]));
  const gates = layers.reduce((n, l) => n + l.layer.outDim, 0);
  const dense = o.denseWidths ?? { bottom: params.shape.bottom, top: params.shape.top };
  const denseCost = cost(dense.bottom, o.unit).value + cost(dense.top, o.unit).value;
  const targetRatio = 1 - o.budget;
  let lambda = 0;
  let rows = 0;
  let step = 0;
  let ratio = 1;
  const rng = new Rng(o.seed);
  const probe = createGradientProbe(params, { threads: o.threads });
  try {
    while (step < o.steps) {
      let any = false;
      for await (const b of batches()) {
        if (step >= o.steps || o.signal?.aborted) break;
        any = true;
        // A sample of the gates: neuron j is on with probability γ_j. Column j of the next layer times z_j.
        const weights: Record<string, Float32Array> = {};
        for (const l of layers) {
          const g = gate.get(l.layer.name)!;
          const z = Float64Array.from(g, (p) => (rng.next() < p ? 1 : 0));
          const inDim = l.next.inDim;
          weights[l.next.name] = l.next.W.map((w, k) => w * z[k % inDim]);
        }
        const { dW } = probe.gradients(b, weights);
        const lossGrad = new Map<string, Float64Array>();
        let sq = 0;
        for (const l of layers) {
          const d = dW[l.next.name];
          const W = l.next.W;
          const inDim = l.next.inDim;
          const gl = new Float64Array(l.layer.outDim);
          for (let k = 0; k < W.length; k++) gl[k % inDim] += d[k] * W[k];
          for (const x of gl) sq += x * x;
          lossGrad.set(l.layer.name, gl);
        }
        const rms = Math.sqrt(sq / gates) || 1;
        // Expected widths, the expected cost, and its derivative per layer.
        const widths = { bottom: dense.bottom.slice(), top: dense.top.slice() };
        for (const l of layers) widths[l.mlp][l.widthIndex] = gate.get(l.layer.name)!.reduce((a, x) => a + x, 0);
        const cb = cost(widths.bottom, o.unit);
        const ct = cost(widths.top, o.unit);
        ratio = (cb.value + ct.value) / denseCost;
        // Σ over gates of n·∂cost/∂n is about twice the cost (it is bilinear): gates/2 makes the mean term O(1).
        const costScale = gates / 2 / denseCost;
        // The budget is an equality: the multiplier integrates the miss (dual ascent) and a proportional term acts
        // on it at once (an augmented Lagrangian), so the expected cost settles on the target instead of overshooting.
        const miss = ratio - targetRatio;
        const multiplier = lambda + PROPORTIONAL * o.dualLr * miss;
        for (const l of layers) {
          const dc = (l.mlp === 'bottom' ? cb : ct).grad[l.widthIndex] * costScale;
          const g = gate.get(l.layer.name)!;
          const gl = lossGrad.get(l.layer.name)!;
          const def = defended.get(l.layer.name)!;
          for (let j = 0; j < g.length; j++) {
            const lg = gl[j] / rms;
            def[j] -= lg / dc;
            // Preconditioned by the gate's cost: the step is the loss defended per unit of cost plus the price,
            // so cheap and costly neurons close at the same pace under the budget (same stationary points).
            g[j] = Math.min(1, Math.max(0, g[j] - o.lr * (lg / dc + multiplier)));
          }
        }
        lambda += o.dualLr * miss;
        rows += b.size;
        step++;
      }
      if (!any || o.signal?.aborted) break;
    }
    return finish();
  } finally {
    probe.dispose();
  }

  function finish(): LearnedGates {
    const scores: Record<string, Float64Array> = {};
    const widths: Record<string, number> = {};
    for (const l of layers) {
      const g = gate.get(l.layer.name)!;
      const def = defended.get(l.layer.name)!;
      // Equal gates (both shut, or both open) are ranked by how much the loss defended them over the steps.
      scores[l.layer.name] = g.map((x, j) => x + 1e-6 * Math.tanh(def[j] / Math.max(1, step)));
      widths[l.layer.name] = Math.min(l.layer.outDim, Math.max(o.minWidth, Math.round(g.reduce((a, x) => a + x, 0))));
    }
    return { scores, widths, rows, lambda, expectedCostRatio: ratio };
  }
}
