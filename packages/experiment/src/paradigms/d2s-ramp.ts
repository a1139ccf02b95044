// d2s_ramp (ours): another reading of D2S — instead of a one-shot copy pruned at once, every r windows a new model
// starts as a copy of the dense model (weights and optimizer state) and is pruned along a short cubic ramp of
// rampSteps training steps (every everySteps steps and at the last), training all the while, so it never serves
// unrecovered from a large cut. Meanwhile the current sparse model keeps serving; the new one takes over at the end
// of the window in which its ramp ends. The first model ramps while it serves (there is nothing else to serve).
import type { Window } from '@driftprune/data';
import type { ParadigmConfig } from '@driftprune/config';
import { cubicSparsity, fullNeuronMask, weightMaskOf, type PruneMask } from '@driftprune/pruning';
import { decodeMask } from '../checkpoint/codec.js';
import type { RunContext } from '../run/context.js';
import { pruneFurther, serveDenseCopy } from './prune-further.js';
import type { Paradigm } from './types.js';

type RampConfig = Extract<ParadigmConfig, { kind: 'd2s_ramp' }>;

/** A shadow on a ramp is promoted by the paradigm, not by a window count. */
const UNTIL_PROMOTED = 1e9;

export function d2sRampParadigm(p: RampConfig): Paradigm {
  return {
    kind: 'd2s_ramp',
    denseTraining: 'always',
    warmupEnd: async (run, t) => {
      serveDenseCopy(run, t);
      run.st.ramp = { step: 0, reached: 0, slot: 'serving' };
    },
    afterStep: (run, win) => rampStep(run, p, win),
    afterWindow: async (run, t) => {
      const ramp = run.st.ramp;
      if (ramp && ramp.step >= p.rampSteps) {
        if (ramp.slot === 'shadow') {
          const next = decodeMask(run.st.shadow!.mask);
          await run.logRefresh(t, 'ramp_end', next, run.cost(run.shadow!).flops / run.denseFlops);
          run.promoteShadow(t);
        } else run.servingChanged(t);
        run.st.ramp = null;
      }
      const first = Math.max(0, p.warmupWindows - 1);
      if (!run.st.ramp && t > first && (t - first) % p.r === 0) {
        const d = run.dense.getParams();
        const full: PruneMask = run.pruneOpts!.granularity === 'structured' ? { granularity: 'structured', neurons: fullNeuronMask(d) } : { granularity: 'unstructured', weights: weightMaskOf(d) };
        run.installShadow(d, run.dense.getOptimizerState(), UNTIL_PROMOTED, full);
        run.st.ramp = { step: 0, reached: 0, slot: 'shadow' };
      }
    },
  };
}

/** One step of the ramp in progress: prune the ramping model to the schedule's sparsity when it is due. */
async function rampStep(run: RunContext, p: RampConfig, win: Window): Promise<void> {
  const ramp = run.st.ramp;
  if (!ramp || ramp.step >= p.rampSteps) return;
  ramp.step++;
  if (ramp.step % p.everySteps !== 0 && ramp.step !== p.rampSteps) return;
  const budget = run.pruneOpts!.budget;
  const goal = ramp.step >= p.rampSteps ? budget : cubicSparsity(budget, ramp.step, p.rampSteps);
  if (goal <= ramp.reached + 1e-9) return;
  const current = ramp.reached === 0 ? null : ramp.slot === 'serving' ? run.mask : decodeMask(run.st.shadow!.mask);
  const res = await pruneFurther(run, ramp.slot, win, goal, current);
  ramp.reached = goal;
  // The serving model's cuts are refreshes (they serve at once); a shadow's is logged when it takes over.
  if (ramp.slot === 'serving') await run.logRefresh(win.index, 'ramp', res.mask, res.flopsRatio);
}
