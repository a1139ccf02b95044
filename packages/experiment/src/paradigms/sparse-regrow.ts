// sparse_regrow (dynamic sparse training, RigL-style): pruned at warm-up end; every r windows each layer drops
// regrowFraction of its live neurons (lowest magnitude) and regrows as many inactive ones with the largest
// gradient of their out-weights, measured by a probe on a few batches of the latest window (counted as dense
// training compute). A regrown neuron gets its last in-weights back (from a reservoir), zero out-weights and the
// optimizer's initial state (Adagrad's initialAccumulator), as a fresh model's weights have.
import type { Window } from '@driftprune/data';
import type { ParadigmConfig } from '@driftprune/config';
import { resolveOptimizer, type ModelParams } from '@driftprune/engine';
import { applyNeuronMask, expandToShape, neuronScores, regrowNeurons, regrowWeights, type NeuronMask, type PruneMask } from '@driftprune/pruning';
import { decodeParams, encodeParams } from '../checkpoint/codec.js';
import { neuronGrowth, probeGradients, structuredProbeParams, unstructuredProbeParams } from '../models/growth.js';
import { expandOptimizerState, sliceOptimizerState } from '../models/optimizer-state.js';
import type { RunContext } from '../run/context.js';
import { periodicDue } from '../triggers/schedule.js';
import { deriveFromDense, PLAIN_REFRESH } from './derive.js';
import type { Paradigm } from './types.js';

/** RigL's probe takes a few batches of the latest window. */
export const REGROW_PROBE_STEPS = 8;

export function sparseRegrowParadigm(p: Extract<ParadigmConfig, { kind: 'sparse_regrow' }>): Paradigm {
  return {
    kind: 'sparse_regrow',
    denseTraining: 'until_sparse',
    warmupEnd: async (run, t, win) => {
      await deriveFromDense(run, t, 'warmup_end', win, PLAIN_REFRESH);
      run.st.reservoir = encodeParams(run.dense.getParams());
    },
    afterWindow: async (run, t, win) => {
      if (run.serving && periodicDue(p, t)) await regrow(run, t, win, p.regrowFraction);
    },
  };
}

/** Drops the weakest live neurons/weights and regrows those with the largest gradient (RigL). */
async function regrow(run: RunContext, t: number, win: Window, fraction: number): Promise<void> {
  const mask = run.mask!;
  const next = mask.granularity === 'structured' ? await regrowStructured(run, win, mask.neurons, fraction) : await regrowUnstructured(run, win, mask.weights, fraction);
  await run.logRefresh(t, 'regrow', next, run.servingFlops() / run.denseFlops);
  run.servingChanged(t);
}

async function regrowStructured(run: RunContext, win: Window, m: NeuronMask, fraction: number): Promise<PruneMask> {
  const serving = run.serving!;
  const cur = serving.getParams();
  const expanded = expandToShape(cur, m, run.shape);
  const reservoir = decodeParams(run.st.reservoir!);
  // Remember the live neurons' current in-weights for later regrowth.
  forHidden(expanded, (l, r) => {
    for (const j of m[l.name]) {
      r.W.set(l.W.subarray(j * l.inDim, (j + 1) * l.inDim), j * l.inDim);
      r.b[j] = l.b[j];
    }
  }, reservoir);
  run.st.reservoir = encodeParams(reservoir);
  const probeParams = structuredProbeParams(expanded, reservoir, m);
  const probe = await probeGradients(probeParams, run.batchesOf(win), REGROW_PROBE_STEPS, { threads: run.cfg.engine.threads, device: run.cfg.engine.device, signal: run.options.signal });
  run.checkAbort();
  run.countTrain(run.denseFlops, probe.rows);
  const growth = neuronGrowth(probeParams, probe.gradAbs);
  const magnitude = neuronScores(cur, { criterion: 'magnitude' });
  const denseWidths = Object.fromEntries(Object.keys(m).map((k) => [k, expanded[k.startsWith('bottom') ? 'bottom' : 'top'][Number(k.split('.')[1])].outDim]));
  const r = regrowNeurons(m, magnitude, growth, denseWidths, fraction);
  // Regrown neurons: in-weights from the reservoir, out-weights zero (RigL's zero initialisation).
  forHidden(expanded, (l, res) => {
    const live = new Set(m[l.name]);
    for (const j of r.mask[l.name])
      if (!live.has(j)) {
        l.W.set(res.W.subarray(j * l.inDim, (j + 1) * l.inDim), j * l.inDim);
        l.b[j] = res.b[j];
      }
  }, reservoir);
  // Regrown neurons start from the optimizer's initial state, as a fresh model's weights do.
  const { config: optimizerConfig, optimizer } = resolveOptimizer(run.cfg.optimizer);
  const fullState = expandOptimizerState(serving.getOptimizerState(), cur, m, run.shape, optimizer.initialState(optimizerConfig));
  run.installServing(applyNeuronMask(expanded, r.mask), sliceOptimizerState(fullState, expanded, r.mask));
  return { granularity: 'structured', neurons: r.mask };
}

async function regrowUnstructured(run: RunContext, win: Window, w: Record<string, Uint8Array>, fraction: number): Promise<PruneMask> {
  const cur = run.serving!.getParams();
  const probe = await probeGradients(unstructuredProbeParams(cur, w), run.batchesOf(win), REGROW_PROBE_STEPS, { threads: run.cfg.engine.threads, device: run.cfg.engine.device, signal: run.options.signal });
  run.checkAbort();
  run.countTrain(run.denseFlops, probe.rows);
  const magnitude = Object.fromEntries([...cur.bottom, ...cur.top].map((l) => [l.name, l.W]));
  const r = regrowWeights(w, magnitude, probe.gradAbs, fraction);
  run.setServingMasks(r.mask);
  return { granularity: 'unstructured', weights: r.mask };
}

/** Calls `f` on every hidden layer of both MLPs with the reservoir's layer at the same position. */
function forHidden(p: ModelParams, f: (l: ModelParams['bottom'][number], reservoir: ModelParams['bottom'][number]) => void, reservoir: ModelParams): void {
  for (const mlp of ['bottom', 'top'] as const) for (let i = 0; i + 1 < p[mlp].length; i++) f(p[mlp][i], reservoir[mlp][i]);
}
