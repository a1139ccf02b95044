// Slicing optimizer state along with the weights, so that a warm-started sparse model keeps its Adagrad/Adam
// history for the neurons it keeps (the state is in the weights' own layout, see the engine's OptimizerState).
import type { OptimizerState, ModelParams, DenseLayer, DlrmShape } from '@driftprune/engine';
import { applyNeuronMask, expandToShape, type NeuronMask } from '@driftprune/pruning';

/** Views slot `k` of the state (e.g. Adam's m or v) as a ModelParams of `p`'s shape, so pruning ops apply. */
function slotAsParams(state: OptimizerState, p: ModelParams, k: number): ModelParams {
  const layer = (l: DenseLayer): DenseLayer => ({ ...l, W: state.layers[l.name].W[k], b: state.layers[l.name].b[k], mask: undefined });
  return { shape: p.shape, bottom: p.bottom.map(layer), top: p.top.map(layer), embeddings: new Float32Array(0) };
}

function slots(state: OptimizerState): number {
  const first = Object.values(state.layers)[0];
  return first ? first.W.length : 0;
}

function rebuild(state: OptimizerState, parts: ModelParams[]): OptimizerState {
  const layers: OptimizerState['layers'] = {};
  const names = parts.length ? [...parts[0].bottom, ...parts[0].top].map((l) => l.name) : Object.keys(state.layers);
  for (const name of names) {
    layers[name] = { W: [], b: [] };
    for (const part of parts) {
      const l = [...part.bottom, ...part.top].find((x) => x.name === name)!;
      layers[name].W.push(l.W);
      layers[name].b.push(l.b);
    }
  }
  return { kind: state.kind, step: state.step, layers, embeddings: state.embeddings.map((e) => e.slice()) };
}

/** The state of `p`'s optimizer restricted to the neurons of `target` (masks in dense indices). */
export function sliceOptimizerState(state: OptimizerState, p: ModelParams, target: NeuronMask, current?: NeuronMask): OptimizerState {
  const parts = Array.from({ length: slots(state) }, (_, k) => applyNeuronMask(slotAsParams(state, p, k), target, current));
  return rebuild(state, parts);
}

/**
 * The state of a narrow model put back at its neurons' dense positions; the entries of other neurons get `fill[k]`
 * in slot k (zeros where not given). A neuron that comes back to life must start from the optimizer's initial state
 * (`optimizer.initialState(config)`, e.g. Adagrad's initialAccumulator), as every weight of a fresh model does: an
 * Adagrad accumulator of 0 turns its first update into ±lr whatever the gradient's size, so a gradient that is float
 * noise moves the weight by a whole step (docs/performance.md: sparse_regrow on the H100).
 */
export function expandOptimizerState(state: OptimizerState, p: ModelParams, mask: NeuronMask, shape: DlrmShape, fill: readonly number[] = []): OptimizerState {
  // Where expandToShape puts the kept entries: expand all-ones parameters the same way.
  const ones = (l: DenseLayer): DenseLayer => ({ ...l, W: new Float32Array(l.W.length).fill(1), b: new Float32Array(l.b.length).fill(1), mask: undefined });
  const kept = fill.some((v) => v !== 0) ? expandToShape({ shape: p.shape, bottom: p.bottom.map(ones), top: p.top.map(ones), embeddings: new Float32Array(0) }, mask, shape) : null;
  const parts = Array.from({ length: slots(state) }, (_, k) => {
    const e = expandToShape(slotAsParams(state, p, k), mask, shape);
    const v = fill[k] ?? 0;
    if (kept && v !== 0) {
      const where = [...kept.bottom, ...kept.top];
      [...e.bottom, ...e.top].forEach((l, i) => {
        for (let j = 0; j < l.W.length; j++) if (where[i].W[j] === 0) l.W[j] = v;
        for (let j = 0; j < l.b.length; j++) if (where[i].b[j] === 0) l.b[j] = v;
      });
    }
    return e;
  });
  return rebuild(state, parts);
}
