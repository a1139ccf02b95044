// How much each layer loses. Structured: one greedy loop removes a neuron at a time until the budget is met; the
// allocation rule (allocations/: uniform, global, greedy) says which layer's next neuron goes. Every layer keeps at
// least minWidth neurons, so none collapses. Unstructured: per-layer fractions or one threshold over the rule's ranks.
import { mlpFlops } from './flops.js';
import { allocationRule, type Allocation } from './allocations/index.js';
import { PruningConfigError } from './errors.js';

export type { Allocation } from './allocations/index.js';
export type BudgetUnit = 'flops' | 'params';

/** The width plan of one MLP: which of its layers are prunable and their dense widths. */
export interface StructuredProblem {
  /** Dense widths, input to output, per MLP, e.g. { bottom: [13, 64, 32, 16], top: [153, 64, 32, 1] }. */
  denseWidths: { bottom: number[]; top: number[] };
  /** Current widths (≤ dense) of the model being pruned further. */
  widths: { bottom: number[]; top: number[] };
  /** Prunable layer name → which MLP and the index of its output width in `widths[mlp]` (1-based, hidden). */
  layers: { name: string; mlp: 'bottom' | 'top'; widthIndex: number }[];
  /** Layer name → score of each current neuron (higher = keep). */
  scores: Record<string, Float64Array>;
  /** Layer name → estimated loss increase of removing each current neuron (used by rules that rank by sensitivity). */
  sensitivities?: Record<string, Float64Array>;
  /** Layer name → the width it should end at (rules that need targets: `learned`). */
  targets?: Record<string, number>;
  /** Fraction of the dense MLP cost to remove in total. */
  budget: number;
  unit: BudgetUnit;
  allocation: Allocation;
  minWidth: number;
}

function mlpParams(widths: number[]): number {
  let n = 0;
  for (let i = 0; i + 1 < widths.length; i++) n += widths[i] * widths[i + 1] + widths[i + 1];
  return n;
}

export function mlpCost(w: { bottom: number[]; top: number[] }, unit: BudgetUnit): number {
  return unit === 'flops' ? mlpFlops(w.bottom) + mlpFlops(w.top) : mlpParams(w.bottom) + mlpParams(w.top);
}

/** Cost saved by removing one neuron whose output width sits at `widths[k]` (k hidden). */
function savedByOne(widths: number[], k: number, unit: BudgetUnit): number {
  return unit === 'flops' ? 2 * (widths[k - 1] + widths[k + 1]) : widths[k - 1] + 1 + widths[k + 1];
}

/**
 * Chooses the neurons to keep. Returns, per layer, the ascending *current positions* of kept neurons.
 * Throws when the budget cannot be met without going below minWidth.
 */
export function allocateStructured(pr: StructuredProblem): Record<string, Int32Array> {
  const widths = { bottom: pr.widths.bottom.slice(), top: pr.widths.top.slice() };
  const dense = mlpCost(pr.denseWidths, pr.unit);
  const target = pr.budget * dense;
  let removed = dense - mlpCost(widths, pr.unit);
  const rule = allocationRule(pr.allocation);
  if (rule.needsTargets && !pr.targets) throw new Error(`allocation ${pr.allocation} needs per-layer target widths (learned beforehand)`);
  const rankBy = rule.ranksBySensitivity ? (pr.sensitivities ?? pr.scores) : pr.scores;
  // Per layer: current positions ordered by ascending rank score; `head` is the next to remove.
  const order: Record<string, Int32Array> = {};
  const head: Record<string, number> = {};
  const norm: Record<string, Float64Array> = {};
  for (const l of pr.layers) {
    const s = rankBy[l.name];
    if (!s || s.length !== widths[l.mlp][l.widthIndex]) throw new Error(`scores of ${l.name} do not match its width ${widths[l.mlp][l.widthIndex]}`);
    order[l.name] = Int32Array.from(s.keys()).sort((a, b) => s[a] - s[b] || a - b);
    head[l.name] = 0;
    let m = 0;
    for (const v of s) m += v;
    m = s.length ? m / s.length : 0;
    norm[l.name] = m > 0 ? s.map((v) => v / m) : s.slice();
  }
  const removedSet: Record<string, Set<number>> = Object.fromEntries(pr.layers.map((l) => [l.name, new Set<number>()]));
  const canShrink = (l: StructuredProblem['layers'][number]) => widths[l.mlp][l.widthIndex] > pr.minWidth;

  while (removed < target) {
    let best: StructuredProblem['layers'][number] | null = null;
    let bestKey = Infinity;
    for (const l of pr.layers) {
      if (!canShrink(l)) continue;
      const pos = order[l.name][head[l.name]];
      const key = rule.structuredKey({
        width: widths[l.mlp][l.widthIndex],
        denseWidth: pr.denseWidths[l.mlp][l.widthIndex],
        score: rankBy[l.name][pos],
        normalised: norm[l.name][pos],
        saved: savedByOne(widths[l.mlp], l.widthIndex, pr.unit),
        ...(pr.targets ? { target: pr.targets[l.name] } : {}),
      });
      if (key < bestKey) {
        bestKey = key;
        best = l;
      }
    }
    if (!best)
      throw new PruningConfigError(
        'PRUNING_BUDGET_UNREACHABLE',
        `budget ${pr.budget} cannot be met: every prunable layer is at minWidth ${pr.minWidth} after removing ${((removed / dense) * 100).toFixed(1)} % — lower the budget or minWidth`,
      );
    const saved = savedByOne(widths[best.mlp], best.widthIndex, pr.unit);
    // Stop at whichever side of the target is closer, so the budget is hit within half a neuron's cost.
    if (removed + saved > target && removed + saved - target > target - removed) break;
    removedSet[best.name].add(order[best.name][head[best.name]++]);
    widths[best.mlp][best.widthIndex]--;
    removed += saved;
  }
  const keep: Record<string, Int32Array> = {};
  for (const l of pr.layers) {
    const n = pr.widths[l.mlp][l.widthIndex];
    keep[l.name] = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !removedSet[l.name].has(i));
  }
  return keep;
}

/** Problem for the unstructured case: per layer, the scores of its currently kept weights. */
export interface UnstructuredProblem {
  /** Layer name → scores of every weight in the dense layout (ignored where `kept` is 0). */
  scores: Record<string, Float64Array>;
  /** Layer name → current mask (1 kept). */
  kept: Record<string, Uint8Array>;
  /** Layer name → minimum number of weights it keeps. */
  minKeep: Record<string, number>;
  /** Fraction of all dense MLP weights (= FLOPs, 2 per weight) to remove. */
  budget: number;
  allocation: Allocation;
}

/**
 * Chooses the weights to keep: the rule's `per_layer` keeps the same fraction of every layer; otherwise each
 * layer's minimum is reserved first and the rest filled by one threshold over the rule's ranks.
 */
export function allocateUnstructured(pr: UnstructuredProblem): Record<string, Uint8Array> {
  const names = Object.keys(pr.scores);
  let total = 0;
  for (const n of names) total += pr.kept[n].length;
  const keepTotal = Math.round((1 - pr.budget) * total);
  const out: Record<string, Uint8Array> = {};
  const rule = allocationRule(pr.allocation);
  if (rule.unstructured === 'unsupported') throw new PruningConfigError('ALLOCATION_UNSUPPORTED', `allocation ${pr.allocation} is structured only: use uniform, global or greedy for unstructured pruning`);
  if (rule.unstructured === 'per_layer') {
    for (const n of names) {
      const s = pr.scores[n];
      const k = pr.kept[n];
      const want = Math.max(pr.minKeep[n], Math.round((1 - pr.budget) * k.length));
      out[n] = keepTop(s, k, want);
    }
    return out;
  }
  // Scores to rank by, globally comparable.
  const ranked: Record<string, Float64Array> = {};
  for (const n of names) ranked[n] = rule.unstructured(pr.scores[n], pr.kept[n]);
  // Reserve each layer's minimum, then fill the rest by one global threshold.
  let reserved = 0;
  for (const n of names) {
    out[n] = keepTop(ranked[n], pr.kept[n], pr.minKeep[n]);
    for (const v of out[n]) reserved += v;
  }
  const rest = Math.max(0, keepTotal - reserved);
  const pool: number[] = [];
  for (const n of names) {
    const r = ranked[n];
    const k = pr.kept[n];
    for (let i = 0; i < r.length; i++) if (k[i] && !out[n][i]) pool.push(r[i]);
  }
  if (rest === 0) return out;
  const sorted = Float64Array.from(pool).sort();
  const threshold = sorted[Math.max(0, sorted.length - rest)];
  let above = 0;
  for (const v of pool) if (v > threshold) above++;
  let ties = rest - above; // weights equal to the threshold that still fit
  for (const n of names) {
    const r = ranked[n];
    const k = pr.kept[n];
    for (let i = 0; i < r.length; i++) {
      if (!k[i] || out[n][i]) continue;
      if (r[i] > threshold) out[n][i] = 1;
      else if (r[i] === threshold && ties > 0) { out[n][i] = 1; ties--; }
    }
  }
  return out;
}

/** Mask keeping the `want` highest-scored of the currently kept weights (ties: lower index first). */
function keepTop(s: Float64Array, kept: Uint8Array, want: number): Uint8Array {
  const idx: number[] = [];
  for (let i = 0; i < s.length; i++) if (kept[i]) idx.push(i);
  idx.sort((a, b) => s[b] - s[a] || a - b);
  const m = new Uint8Array(s.length);
  for (let i = 0; i < Math.min(want, idx.length); i++) m[idx[i]] = 1;
  return m;
}
