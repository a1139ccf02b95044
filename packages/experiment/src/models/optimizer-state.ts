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

/** The state of a narrow model put back at its neurons' dense positions; other neurons get zeros. */
export function expandOptimizerState(state: OptimizerState, p: ModelParams, mask: NeuronMask, shape: DlrmShape): OptimizerState {
  const parts = Array.from({ length: slots(state) }, (_, k) => expandToShape(slotAsParams(state, p, k), mask, shape));
  return rebuild(state, parts);
}
