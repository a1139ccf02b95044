// gradual (Zhu & Gupta 2017): at the end of warm-up the serving model is a copy of dense; every everySteps steps of
// the next rampWindows windows it is pruned further to the cubic schedule's sparsity (trigger `ramp`), landing on
// the budget at the end of the ramp. One model serves and trains; the dense model is the reference only.
import type { ParadigmConfig } from '@driftprune/config';
import type { Window } from '@driftprune/data';
import { cubicSparsity } from '@driftprune/pruning';
import type { RunContext } from '../run/context.js';
import { pruneFurther, serveDenseCopy } from './prune-further.js';
import type { Paradigm } from './types.js';

type GradualConfig = Extract<ParadigmConfig, { kind: 'gradual' }>;

/**
 * The target sparsity at a point of the ramp, which starts after warm-up and lasts rampWindows windows.
 * Progress is windows into the ramp (fractional within a window); the schedule is the cubic one.
 */
export function gradualTarget(p: GradualConfig, budget: number, t: number, batchIndex: number, batchesInWindow: number): number {
  const progress = t - p.warmupWindows + batchIndex / Math.max(1, batchesInWindow);
  if (progress < 0) return 0;
  return cubicSparsity(budget, progress, p.rampWindows);
}

/** gradual prunes every everySteps steps while the ramp lasts, and once more when it ends to land on the budget. */
export function gradualPruneNow(p: GradualConfig, t: number, stepInWindow: number): boolean {
  const inRamp = t >= p.warmupWindows && t < p.warmupWindows + p.rampWindows;
  return inRamp && stepInWindow > 0 && stepInWindow % p.everySteps === 0;
}

export function gradualParadigm(p: GradualConfig): Paradigm {
  return {
    kind: 'gradual',
    denseTraining: 'until_sparse',
    warmupEnd: async (run, t) => serveDenseCopy(run, t),
    afterStep: async (run, win, step, batches) => {
      const t = win.index;
      if (run.serving && gradualPruneNow(p, t, step)) await rampTo(run, win, gradualTarget(p, run.pruneOpts!.budget, t, step, batches));
    },
    afterWindow: async (run, t, win) => {
      if (!run.serving || t !== p.warmupWindows + p.rampWindows - 1) return;
      await rampTo(run, win, run.pruneOpts!.budget);
      // The final model of the ramp is timed whether or not the config times every refresh.
      run.st.pendingServingEval = run.cfg.evaluation.serving.enabled;
    },
  };
}

/** Prunes the serving model further, to `target` of the dense MLP cost (nothing when it is there already). */
async function rampTo(run: RunContext, win: Window, target: number): Promise<void> {
  if (target <= run.st.sparsityReached + 1e-9) return;
  const res = await pruneFurther(run, 'serving', win, target, run.mask);
  run.st.sparsityReached = target;
  await run.logRefresh(win.index, 'ramp', res.mask, res.flopsRatio);
}
