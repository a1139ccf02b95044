// Growth scores for RigL-style regrowth, through the engine's public trainer: a throw-away "probe" trainer holds
// the full-width model in which every inactive weight (or neuron's out-weights) is set to a tiny ε instead of 0,
// with Taylor accumulation on. Its Taylor score |ε·∂L/∂w| divided by ε is the gradient magnitude RigL grows by.
// The probe's own updates are discarded (plain SGD with a negligible learning rate).
import { createTrainer, type Device, type ModelParams } from '@driftprune/engine';
import type { Batch } from '@driftprune/data';
import { cloneParams, type NeuronMask, type WeightMask } from '@driftprune/pruning';

export const PROBE_EPS = 1e-4;

export interface ProbeResult {
  /** Per layer: the mean |∂L/∂w| (in the dense layout) of the weights probed. */
  gradAbs: Record<string, Float32Array>;
  steps: number;
  rows: number;
}

/** Trains a probe for up to `maxSteps` batches and returns |∂L/∂w| estimates for every weight set to ε. */
export async function probeGradients(
  full: ModelParams,
  batches: AsyncIterable<Batch>,
  maxSteps: number,
  opts: { threads: number; device?: Device; signal?: AbortSignal },
): Promise<ProbeResult> {
  const probe = createTrainer({ params: full, optimizer: { kind: 'sgd', lr: 1e-12 }, threads: opts.threads, device: opts.device, taylor: { decay: 0 } });
  const sums: Record<string, Float32Array> = {};
  let steps = 0;
  let rows = 0;
  try {
    for await (const b of batches) {
      if (steps >= maxSteps) break;
      probe.trainStep(b);
      // decay 0: the score is exactly this step's |w·g|; average it over steps here.
      for (const [name, s] of Object.entries(probe.getTaylorScores())) {
        const acc = (sums[name] ??= new Float32Array(s.length));
        for (let i = 0; i < s.length; i++) acc[i] += s[i];
      }
      steps++;
      rows += b.size;
      if (opts.signal?.aborted) break;
    }
  } finally {
    probe.dispose();
  }
  const gradAbs: Record<string, Float32Array> = {};
  for (const [name, s] of Object.entries(sums)) gradAbs[name] = s.map((v) => v / Math.max(1, steps) / PROBE_EPS);
  return { gradAbs, steps, rows };
}

/**
 * Structured probe model: `expanded` is the sparse model at full width (inactive neurons zero). Inactive neurons
 * get their remembered in-weights from `reservoir` (so they have an activation) and ε out-weights (so their
 * out-weights' gradients can be read).
 */
export function structuredProbeParams(expanded: ModelParams, reservoir: ModelParams, mask: NeuronMask): ModelParams {
  const p = cloneParams(expanded);
  for (const mlp of ['bottom', 'top'] as const) {
    const ls = p[mlp];
    for (let i = 0; i + 1 < ls.length; i++) {
      const l = ls[i];
      const next = ls[i + 1];
      const live = new Set(mask[l.name]);
      const res = reservoir[mlp][i];
      for (let j = 0; j < l.outDim; j++) {
        if (live.has(j)) continue;
        l.W.set(res.W.subarray(j * l.inDim, (j + 1) * l.inDim), j * l.inDim);
        l.b[j] = res.b[j];
        for (let k = 0; k < next.outDim; k++) next.W[k * next.inDim + j] = PROBE_EPS;
      }
    }
  }
  return p;
}

/** Neuron growth score: the summed |∂L/∂w| of the neuron's out-weights. */
export function neuronGrowth(full: ModelParams, gradAbs: Record<string, Float32Array>): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const mlp of ['bottom', 'top'] as const) {
    const ls = full[mlp];
    for (let i = 0; i + 1 < ls.length; i++) {
      const next = ls[i + 1];
      const g = gradAbs[next.name];
      const s = new Float64Array(ls[i].outDim);
      for (let j = 0; j < s.length; j++) for (let k = 0; k < next.outDim; k++) s[j] += g[k * next.inDim + j];
      out[ls[i].name] = s;
    }
  }
  return out;
}

/** Unstructured probe model: masked weights become ε and masks are dropped. */
export function unstructuredProbeParams(p: ModelParams, mask: WeightMask): ModelParams {
  const q = cloneParams(p);
  for (const l of [...q.bottom, ...q.top]) {
    const m = mask[l.name];
    for (let i = 0; i < l.W.length; i++) if (!m[i]) l.W[i] = PROBE_EPS;
    delete l.mask;
  }
  return q;
}
