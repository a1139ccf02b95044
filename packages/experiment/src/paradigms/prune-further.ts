// Pruning a live model further (gradual's ramp, d2s_ramp's per-period ramp): the budget stays relative to the dense
// model, masks stay in dense indices, and a structured model is rebuilt at its new widths with its optimizer state
// sliced along (the neurons it keeps keep their history).
import type { Window } from '@driftprune/data';
import { fullNeuronMask, type PruneMask, type PruneResult } from '@driftprune/pruning';
import { encodeMask } from '../checkpoint/codec.js';
import { sliceOptimizerState } from '../models/optimizer-state.js';
import type { RunContext } from '../run/context.js';

/**
 * Prunes the serving model (`slot` serving) or the shadow model to `target` of the dense MLP cost, from its
 * current mask (null: not pruned yet), and puts the pruned model in its place. Returns what `prune` gave.
 */
export async function pruneFurther(run: RunContext, slot: 'serving' | 'shadow', win: Window, target: number, current: PruneMask | null): Promise<PruneResult> {
  const model = slot === 'serving' ? run.serving! : run.shadow!;
  const cur = model.getParams();
  const res = await run.pruneParams(cur, model.getTaylorScores(), win, { budget: target, ...(current ? { currentMask: current } : {}) });
  if (res.mask.granularity === 'structured') {
    const from = current?.granularity === 'structured' ? current.neurons : fullNeuronMask(cur);
    const state = sliceOptimizerState(model.getOptimizerState(), cur, res.mask.neurons, from);
    if (slot === 'serving') run.installServing(res.params, state);
    else run.installShadow(res.params, state, run.st.shadow!.windowsLeft, res.mask);
  } else {
    run.setMasksOf(model, res.mask.weights);
    if (slot === 'shadow') run.st.shadow!.mask = encodeMask(res.mask);
  }
  return res;
}

/** A copy of the dense model (weights and optimizer state) starts serving after window t, unpruned: a ramp's start. */
export function serveDenseCopy(run: RunContext, t: number): void {
  run.installServing(run.dense.getParams(), run.dense.getOptimizerState());
  run.mask = null;
  run.st.lastRefreshWindow = t;
}
