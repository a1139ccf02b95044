// Dynamic sparse training, RigL-style (Evci et al. 2020): at each update, every layer drops the `fraction` of its
// live neurons (or weights) with the lowest magnitude and regrows as many inactive ones with the highest growth
// score (a gradient magnitude), so each layer's budget is unchanged. Neurons dropped in this update are not
// regrown in the same update, so every update really moves the mask.
import type { NeuronMask, WeightMask } from './structure.js';

export interface RegrowResult<M> {
  mask: M;
  /** Per layer: how many were dropped (= regrown). */
  moved: Record<string, number>;
}

/**
 * Structured update. `magnitude[layer]` scores the live neurons in the order of `mask[layer]`;
 * `growth[layer]` scores every dense neuron (only inactive ones are read).
 */
export function regrowNeurons(
  mask: NeuronMask,
  magnitude: Record<string, Float64Array>,
  growth: Record<string, Float64Array>,
  denseWidths: Record<string, number>,
  fraction: number,
): RegrowResult<NeuronMask> {
  const out: NeuronMask = {};
  const moved: Record<string, number> = {};
  for (const [name, live] of Object.entries(mask)) {
    const inactive: number[] = [];
    const liveSet = new Set(live);
    for (let j = 0; j < denseWidths[name]; j++) if (!liveSet.has(j)) inactive.push(j);
    const k = Math.min(Math.round(fraction * live.length), inactive.length);
    const mag = magnitude[name];
    const byMag = Array.from(live.keys()).sort((a, b) => mag[a] - mag[b] || a - b);
    const drop = new Set(byMag.slice(0, k).map((p) => live[p]));
    const g = growth[name];
    const grow = inactive.sort((a, b) => g[b] - g[a] || a - b).slice(0, k);
    out[name] = Int32Array.from([...live.filter((j) => !drop.has(j)), ...grow]).sort();
    moved[name] = k;
  }
  return { mask: out, moved };
}

/** Unstructured update on weight masks: `magnitude` and `growth` are per weight in the dense layout. */
export function regrowWeights(
  mask: WeightMask,
  magnitude: Record<string, Float32Array | Float64Array>,
  growth: Record<string, Float32Array | Float64Array>,
  fraction: number,
): RegrowResult<WeightMask> {
  const out: WeightMask = {};
  const moved: Record<string, number> = {};
  for (const [name, m] of Object.entries(mask)) {
    const live: number[] = [];
    const inactive: number[] = [];
    for (let i = 0; i < m.length; i++) (m[i] ? live : inactive).push(i);
    const k = Math.min(Math.round(fraction * live.length), inactive.length);
    const mag = magnitude[name];
    const g = growth[name];
    live.sort((a, b) => Math.abs(mag[a]) - Math.abs(mag[b]) || a - b);
    inactive.sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]) || a - b);
    const next = m.slice();
    for (let i = 0; i < k; i++) {
      next[live[i]] = 0;
      next[inactive[i]] = 1;
    }
    out[name] = next;
    moved[name] = k;
  }
  return { mask: out, moved };
}
