// A new sparse model derived from the current dense model (prune_once, sparse_regrow, d2s, adaptive_d2s): prune
// the dense weights, warm-start the new model (weights and optimizer state, sliced along with the neurons) or
// start it from scratch, let it serve now or shadow the serving model first, and optionally fine-tune it.
import type { Window } from '@driftprune/data';
import { type OptimizerState, initParams } from '@driftprune/engine';
import type { PruneResult } from '@driftprune/pruning';
import type { RefreshOptions } from '@driftprune/config';
import { fineTune } from '../models/fine-tune.js';
import { sliceOptimizerState } from '../models/optimizer-state.js';
import type { RunContext } from '../run/context.js';

/** prune_once and sparse_regrow: warm start, serve at once, no fine-tuning. */
export const PLAIN_REFRESH: RefreshOptions = { warmStart: true, fineTuneSteps: 0, fineTuneTarget: 'dense', shadowWindows: 0 };

/** The pruned dense model (what a refresh would serve now), its allocation chosen on `win`; `budget` overrides the config's. */
export function pruneDense(run: RunContext, win: Window, budget?: number): Promise<PruneResult> {
  return run.pruneParams(run.dense.getParams(), run.dense.getTaylorScores(), win, budget === undefined ? {} : { budget });
}

export async function deriveFromDense(run: RunContext, t: number, trigger: string, win: Window, refresh: RefreshOptions, precomputed?: PruneResult, budget?: number): Promise<void> {
  const d = run.dense.getParams();
  const res = precomputed ?? (await run.pruneParams(d, run.dense.getTaylorScores(), win, budget === undefined ? {} : { budget }));
  let params = res.params;
  let optState: OptimizerState | undefined;
  if (refresh.warmStart) {
    if (res.mask.granularity === 'structured') optState = sliceOptimizerState(run.dense.getOptimizerState(), d, res.mask.neurons);
    else optState = run.dense.getOptimizerState();
  } else {
    // From scratch: fresh MLP weights of the pruned widths (embeddings stay, they are not pruned).
    const fresh = initParams(res.params.shape, run.cfg.seed * 7919 + t);
    fresh.embeddings = res.params.embeddings;
    if (res.mask.granularity === 'unstructured') [...fresh.bottom, ...fresh.top].forEach((l, i) => (l.mask = [...res.params.bottom, ...res.params.top][i].mask));
    params = fresh;
  }
  // A shadow model replaces an existing serving model only after training alongside it (the first one serves at once).
  const shadowWindows = run.serving ? refresh.shadowWindows : 0;
  const model = shadowWindows > 0 ? run.installShadow(params, optState, shadowWindows, res.mask) : run.installServing(params, optState);
  await run.logRefresh(t, trigger, res.mask, res.flopsRatio, shadowWindows);
  if (refresh.fineTuneSteps > 0) {
    const target = refresh.fineTuneTarget;
    const tuned = await fineTune(model, () => run.batchesOf(win), { steps: refresh.fineTuneSteps, target, teacher: run.dense, beforeStep: () => run.checkAbort() });
    // 3 forward passes of the sparse model per row, plus the dense model's forward pass for the soft labels.
    run.countTrain(run.cost(model).flops, tuned.rows);
    if (target === 'dense') run.st.trainingFlops += run.denseFlops * tuned.rows;
  }
  if (shadowWindows === 0) run.servingChanged(t);
}
