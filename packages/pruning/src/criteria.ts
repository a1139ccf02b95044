// Importance scores: per weight (unstructured) and per neuron (structured), for the three criteria.
//   magnitude: |w|; a neuron's L2 norm of its in weights, bias and out weights.
//   taylor:    the accumulated |w·∂L/∂w| (an EMA kept by the engine); a neuron's sum over the same weights, a
//              first-order estimate of the loss increase when the neuron is removed.
//   hybrid:    alpha·magnitude + (1 − alpha)·taylor, each divided by its layer mean so the two are comparable.
import type { LayerScores, ModelParams } from '@driftprune/engine';
import { prunableLayers } from './structure.js';

export type Criterion = 'magnitude' | 'taylor' | 'hybrid';

export interface CriterionOptions {
  criterion: Criterion;
  /** Required for taylor and hybrid: per-weight scores in each layer's W layout. */
  taylor?: LayerScores;
  hybridAlpha?: number;
}

function mean(a: Float64Array | Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : 0;
}

/** Divides by the mean so every layer's scores average 1 (a layer of all zeros stays zero). */
export function normaliseByMean(a: Float64Array): Float64Array {
  const m = mean(a);
  return m > 0 ? a.map((v) => v / m) : a.slice();
}

function taylorOf(opts: CriterionOptions, name: string, size: number): Float32Array {
  const t = opts.taylor?.[name];
  if (!t) throw new Error(`criterion ${opts.criterion} needs Taylor scores for layer ${name}; the trainer has accumulated none`);
  if (t.length !== size) throw new Error(`Taylor scores of ${name} have ${t.length} entries, the layer has ${size} weights`);
  return t;
}

/** Per-weight scores of one layer (higher = more important). */
export function weightScores(p: ModelParams, name: string, opts: CriterionOptions): Float64Array {
  const l = [...p.bottom, ...p.top].find((x) => x.name === name);
  if (!l) throw new Error(`no layer ${name}`);
  const mag = Float64Array.from(l.W, Math.abs);
  if (opts.criterion === 'magnitude') return mag;
  const tay = Float64Array.from(taylorOf(opts, name, l.W.length));
  if (opts.criterion === 'taylor') return tay;
  const a = opts.hybridAlpha ?? 0.5;
  const nm = normaliseByMean(mag);
  const nt = normaliseByMean(tay);
  return nm.map((v, i) => a * v + (1 - a) * nt[i]);
}

/** Raw per-neuron magnitude (L2 of in weights, bias, out weights) and Taylor sums, before combination. */
function neuronParts(p: ModelParams, opts: CriterionOptions): Record<string, { mag: Float64Array; tay: Float64Array | null }> {
  const out: Record<string, { mag: Float64Array; tay: Float64Array | null }> = {};
  const needTaylor = opts.criterion !== 'magnitude';
  for (const { layer, next } of prunableLayers(p)) {
    const mag = new Float64Array(layer.outDim);
    const tay = needTaylor ? new Float64Array(layer.outDim) : null;
    const tIn = needTaylor ? taylorOf(opts, layer.name, layer.W.length) : null;
    const tOut = needTaylor ? taylorOf(opts, next.name, next.W.length) : null;
    for (let j = 0; j < layer.outDim; j++) {
      let s = layer.b[j] * layer.b[j];
      for (let i = 0; i < layer.inDim; i++) {
        const w = layer.W[j * layer.inDim + i];
        s += w * w;
        if (tay) tay[j] += tIn![j * layer.inDim + i];
      }
      for (let k = 0; k < next.outDim; k++) {
        const w = next.W[k * next.inDim + j];
        s += w * w;
        if (tay) tay[j] += tOut![k * next.inDim + j];
      }
      mag[j] = Math.sqrt(s);
    }
    out[layer.name] = { mag, tay };
  }
  return out;
}

/** Per-neuron scores of every prunable layer (higher = more important), indexed by the model's current positions. */
export function neuronScores(p: ModelParams, opts: CriterionOptions): Record<string, Float64Array> {
  const parts = neuronParts(p, opts);
  const a = opts.hybridAlpha ?? 0.5;
  const out: Record<string, Float64Array> = {};
  for (const [name, { mag, tay }] of Object.entries(parts)) {
    if (opts.criterion === 'magnitude') out[name] = mag;
    else if (opts.criterion === 'taylor') out[name] = tay!;
    else {
      const nm = normaliseByMean(mag);
      const nt = normaliseByMean(tay!);
      out[name] = nm.map((v, i) => a * v + (1 - a) * nt[i]);
    }
  }
  return out;
}

/**
 * Estimated loss increase of removing each neuron, for allocations that rank by sensitivity (greedy): the Taylor sum when Taylor scores
 * exist, otherwise the criterion's own score (a magnitude is then a proxy, and layers are less comparable).
 */
export function neuronSensitivities(p: ModelParams, opts: CriterionOptions): Record<string, Float64Array> {
  if (opts.taylor) return neuronScores(p, { ...opts, criterion: 'taylor' });
  return neuronScores(p, opts);
}
