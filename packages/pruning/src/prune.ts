// prune(model, budget, granularity, criterion, allocation) → a smaller (structured) or masked (unstructured) model.
// Works on a dense model or on one already pruned (gradual pruning prunes further); the budget is always a
// fraction of the *dense* model's MLP cost, and masks are always in the dense model's index space.
import type { DlrmShape, LayerScores, ModelParams } from '@driftprune/engine';
import { allocateStructured, allocateUnstructured, mlpCost, type Allocation, type BudgetUnit } from './allocation.js';
import { allocationRule } from './allocations/index.js';
import { neuronScores, neuronSensitivities, weightScores, type Criterion } from './criteria.js';
import { paramsCount, paramsFlops, shapeFlops } from './flops.js';
import {
  applyNeuronMask,
  applyWeightMask,
  fullNeuronMask,
  maskWidths,
  prunableLayers,
  weightMaskCounts,
  weightMaskOf,
  type Granularity,
  type NeuronMask,
  type PruneMask,
} from './structure.js';

export interface PruneOptions {
  /** Fraction of the dense MLP cost removed (0 < budget < 1). */
  budget: number;
  budgetUnit?: BudgetUnit;
  granularity: Granularity;
  criterion: Criterion;
  allocation: Allocation;
  minWidth: number;
  hybridAlpha?: number;
}

export interface PruneContext {
  /** Accumulated Taylor scores of `model` (its own layout); required by taylor and hybrid. */
  taylor?: LayerScores;
  /** The dense model's shape when `model` is already pruned. */
  denseShape?: DlrmShape;
  /** The mask `model` already has (structured: its neurons' original indices). */
  currentMask?: PruneMask;
  /**
   * For allocation `learned`: per prunable layer, a score per current neuron (its learned gate; higher = keep) and
   * the width the layer should end at.
   */
  learned?: { scores: Record<string, Float64Array>; widths: Record<string, number> };
}

export interface PruneResult {
  params: ModelParams;
  mask: PruneMask;
  /** Layer name → kept neurons (structured) or kept weights (unstructured). */
  widths: Record<string, number>;
  /** Serving forward FLOPs (MLPs + interaction) relative to the dense model. */
  flopsRatio: number;
  /** MLP cost actually removed, in the budget's unit, relative to dense (the budget is hit within ±1 %). */
  achievedBudget: number;
  paramsRatio: number;
}

/** Number of parameters of a dense model of `shape` (MLPs + embeddings), without building it. */
export function shapeParams(shape: DlrmShape): number {
  let n = shape.tableSizes.reduce((a, b) => a + b, 0) * shape.embeddingDim;
  for (const w of [shape.bottom, shape.top]) for (let i = 0; i + 1 < w.length; i++) n += w[i] * w[i + 1] + w[i + 1];
  return n;
}

export function prune(model: ModelParams, opts: PruneOptions, ctx: PruneContext = {}): PruneResult {
  if (!(opts.budget > 0 && opts.budget < 1)) throw new Error(`budget must be a fraction in (0, 1), got ${opts.budget}`);
  const denseShape = ctx.denseShape ?? model.shape;
  const unit = opts.budgetUnit ?? 'flops';
  const crit = { criterion: opts.criterion, taylor: ctx.taylor, hybridAlpha: opts.hybridAlpha };
  const rule = allocationRule(opts.allocation);
  const bySensitivity = rule.ranksBySensitivity;
  if (rule.needsTargets && !ctx.learned) throw new Error(`allocation ${opts.allocation} needs what was learned beforehand (PruneContext.learned)`);
  if (opts.granularity === 'structured') {
    const current = ctx.currentMask?.granularity === 'structured' ? ctx.currentMask.neurons : fullNeuronMask(model);
    const layers = prunableLayers(model).map(({ layer, mlp, index }) => ({ name: layer.name, mlp, widthIndex: index + 1 }));
    const keepPos = allocateStructured({
      denseWidths: { bottom: denseShape.bottom, top: denseShape.top },
      widths: { bottom: model.shape.bottom, top: model.shape.top },
      layers,
      scores: rule.needsTargets ? ctx.learned!.scores : neuronScores(model, crit),
      sensitivities: bySensitivity ? neuronSensitivities(model, crit) : undefined,
      ...(rule.needsTargets ? { targets: ctx.learned!.widths } : {}),
      budget: opts.budget,
      unit,
      allocation: opts.allocation,
      minWidth: opts.minWidth,
    });
    const neurons: NeuronMask = {};
    for (const l of layers) neurons[l.name] = Int32Array.from(keepPos[l.name], (p) => current[l.name][p]);
    const params = applyNeuronMask(model, neurons, current);
    const dense = mlpCost({ bottom: denseShape.bottom, top: denseShape.top }, unit);
    return {
      params,
      mask: { granularity: 'structured', neurons },
      widths: maskWidths(neurons),
      flopsRatio: paramsFlops(params) / shapeFlops(denseShape),
      achievedBudget: 1 - mlpCost({ bottom: params.shape.bottom, top: params.shape.top }, unit) / dense,
      paramsRatio: paramsCount(params) / shapeParams(denseShape),
    };
  }
  // Unstructured: every MLP weight matrix is prunable; each layer keeps at least minWidth neurons' worth of weights.
  const kept = ctx.currentMask?.granularity === 'unstructured' ? ctx.currentMask.weights : weightMaskOf(model);
  const layers = [...model.bottom, ...model.top];
  const scores: Record<string, Float64Array> = {};
  const minKeep: Record<string, number> = {};
  for (const l of layers) {
    scores[l.name] = weightScores(model, l.name, bySensitivity && ctx.taylor ? { ...crit, criterion: 'taylor' } : crit);
    minKeep[l.name] = Math.min(l.W.length, opts.minWidth * l.inDim);
  }
  const weights = allocateUnstructured({ scores, kept, minKeep, budget: opts.budget, allocation: opts.allocation });
  const params = applyWeightMask(model, weights);
  let all = 0;
  let keptN = 0;
  for (const l of layers) {
    all += l.W.length;
    for (const v of weights[l.name]) keptN += v;
  }
  return {
    params,
    mask: { granularity: 'unstructured', weights },
    widths: weightMaskCounts(weights),
    flopsRatio: paramsFlops(params) / shapeFlops(denseShape),
    achievedBudget: 1 - keptN / all,
    paramsRatio: paramsCount(params) / shapeParams(denseShape),
  };
}
