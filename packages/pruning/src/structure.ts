// Which neurons and weights can be pruned, and how a structured mask turns a model into a smaller one.
// A structured mask names, for every prunable layer, the *original* (dense) indices of the neurons it keeps, so that
// masks of models of different widths can be compared (Jaccard) and composed (gradual pruning, regrowth).
import type { DenseLayer, DlrmShape, ModelParams } from '@driftprune/engine';

export type Granularity = 'structured' | 'unstructured';

/** Layer name → ascending original indices of the kept output neurons. */
export type NeuronMask = Record<string, Int32Array>;
/** Layer name → 1 (kept) / 0 (removed) per weight of W, in the dense layout. */
export type WeightMask = Record<string, Uint8Array>;

export type PruneMask = { granularity: 'structured'; neurons: NeuronMask } | { granularity: 'unstructured'; weights: WeightMask };

/**
 * Prunable layers for structured pruning: every hidden layer of both MLPs, i.e. every layer but the last of each
 * MLP (the bottom's output feeds the interaction at embeddingDim; the top's output is the logit).
 */
export function prunableLayers(p: ModelParams): { layer: DenseLayer; next: DenseLayer; mlp: 'bottom' | 'top'; index: number }[] {
  const out: { layer: DenseLayer; next: DenseLayer; mlp: 'bottom' | 'top'; index: number }[] = [];
  for (const mlp of ['bottom', 'top'] as const) {
    const ls = p[mlp];
    for (let i = 0; i + 1 < ls.length; i++) out.push({ layer: ls[i], next: ls[i + 1], mlp, index: i });
  }
  return out;
}

/** The mask of a dense model: every neuron kept. */
export function fullNeuronMask(p: ModelParams): NeuronMask {
  const m: NeuronMask = {};
  for (const { layer } of prunableLayers(p)) m[layer.name] = Int32Array.from({ length: layer.outDim }, (_, i) => i);
  return m;
}

/** Per-layer kept widths of a neuron mask. */
export function maskWidths(m: NeuronMask): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.length]));
}

/** Kept weights per layer of a weight mask. */
export function weightMaskCounts(m: WeightMask): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) {
    let n = 0;
    for (let i = 0; i < v.length; i++) n += v[i];
    out[k] = n;
  }
  return out;
}

function cloneLayer(l: DenseLayer): DenseLayer {
  return { name: l.name, inDim: l.inDim, outDim: l.outDim, W: l.W.slice(), b: l.b.slice(), ...(l.mask ? { mask: l.mask.slice() } : {}) };
}

export function cloneParams(p: ModelParams): ModelParams {
  return {
    shape: { ...p.shape, tableSizes: p.shape.tableSizes.slice(), bottom: p.shape.bottom.slice(), top: p.shape.top.slice() },
    bottom: p.bottom.map(cloneLayer),
    top: p.top.map(cloneLayer),
    embeddings: p.embeddings.slice(),
  };
}

/** Keeps rows `rows` (output neurons) and columns `cols` (input features) of a layer; null keeps all. */
function sliceLayer(l: DenseLayer, rows: Int32Array | null, cols: Int32Array | null): DenseLayer {
  const r = rows ?? Int32Array.from({ length: l.outDim }, (_, i) => i);
  const c = cols ?? Int32Array.from({ length: l.inDim }, (_, i) => i);
  const W = new Float32Array(r.length * c.length);
  const mask = l.mask ? new Float32Array(r.length * c.length) : undefined;
  const b = new Float32Array(r.length);
  for (let i = 0; i < r.length; i++) {
    b[i] = l.b[r[i]];
    const src = r[i] * l.inDim;
    for (let j = 0; j < c.length; j++) {
      W[i * c.length + j] = l.W[src + c[j]];
      if (mask) mask[i * c.length + j] = l.mask![src + c[j]];
    }
  }
  return { name: l.name, inDim: c.length, outDim: r.length, W, b, ...(mask ? { mask } : {}) };
}

/** Maps original neuron indices of `target` onto positions in a model whose kept indices are `current`. */
function positionsOf(target: Int32Array, current: Int32Array, layer: string): Int32Array {
  const pos = new Map<number, number>();
  current.forEach((orig, i) => pos.set(orig, i));
  return Int32Array.from(target, (orig) => {
    const p = pos.get(orig);
    if (p === undefined) throw new Error(`neuron ${orig} of ${layer} is not in the model: a structured mask can only remove neurons`);
    return p;
  });
}

/**
 * Physically removes neurons: keeps row j of W_l and b_l[j] and column j of W_(l+1) for every kept j.
 * `current` is the mask `p` already has (its neurons' original indices); the result's widths are the target's.
 */
export function applyNeuronMask(p: ModelParams, target: NeuronMask, current: NeuronMask = fullNeuronMask(p)): ModelParams {
  const out = cloneParams(p);
  for (const mlp of ['bottom', 'top'] as const) {
    const ls = out[mlp];
    let prevRows: Int32Array | null = null;
    for (let i = 0; i < ls.length; i++) {
      const name = ls[i].name;
      const rows = i + 1 < ls.length ? positionsOf(target[name], current[name], name) : null;
      ls[i] = sliceLayer(ls[i], rows, prevRows);
      prevRows = rows;
    }
  }
  out.shape.bottom = [out.shape.bottom[0], ...out.bottom.map((l) => l.outDim)];
  out.shape.top = [out.shape.top[0], ...out.top.map((l) => l.outDim)];
  return out;
}

/**
 * The inverse of applyNeuronMask: puts a narrow model's weights back at their original positions of a model of
 * `shape`; missing neurons get zero weights (a regrown neuron starts at zero, as in RigL).
 */
export function expandToShape(p: ModelParams, mask: NeuronMask, shape: DlrmShape): ModelParams {
  const out = cloneParams(p);
  out.shape = { ...shape, tableSizes: shape.tableSizes.slice(), bottom: shape.bottom.slice(), top: shape.top.slice() };
  for (const mlp of ['bottom', 'top'] as const) {
    const widths = shape[mlp];
    const ls = p[mlp];
    let prevIdx: Int32Array | null = null;
    out[mlp] = ls.map((l, i) => {
      const inDim = widths[i];
      const outDim = widths[i + 1];
      const rowIdx = i + 1 < ls.length ? mask[l.name] : Int32Array.from({ length: outDim }, (_, k) => k);
      const colIdx = prevIdx ?? Int32Array.from({ length: inDim }, (_, k) => k);
      const W = new Float32Array(outDim * inDim);
      const b = new Float32Array(outDim);
      const m = l.mask ? new Float32Array(outDim * inDim) : undefined;
      for (let r = 0; r < rowIdx.length; r++) {
        b[rowIdx[r]] = l.b[r];
        for (let c = 0; c < colIdx.length; c++) {
          W[rowIdx[r] * inDim + colIdx[c]] = l.W[r * l.inDim + c];
          if (m) m[rowIdx[r] * inDim + colIdx[c]] = l.mask![r * l.inDim + c];
        }
      }
      prevIdx = i + 1 < ls.length ? rowIdx : null;
      return { name: l.name, inDim, outDim, W, b, ...(m ? { mask: m } : {}) };
    });
  }
  return out;
}

/** Applies an unstructured weight mask: masked weights are set to 0 and the mask is attached to each layer. */
export function applyWeightMask(p: ModelParams, mask: WeightMask): ModelParams {
  const out = cloneParams(p);
  for (const l of [...out.bottom, ...out.top]) {
    const m = mask[l.name];
    if (!m) continue;
    if (m.length !== l.W.length) throw new Error(`weight mask of ${l.name} has ${m.length} entries, the layer has ${l.W.length} weights`);
    const fm = new Float32Array(m.length);
    for (let i = 0; i < m.length; i++) {
      fm[i] = m[i];
      if (!m[i]) l.W[i] = 0;
    }
    l.mask = fm;
  }
  return out;
}

/** The weight mask a model carries (all ones where a layer has none). */
export function weightMaskOf(p: ModelParams): WeightMask {
  const m: WeightMask = {};
  for (const l of [...p.bottom, ...p.top]) m[l.name] = l.mask ? Uint8Array.from(l.mask, (v) => (v !== 0 ? 1 : 0)) : new Uint8Array(l.W.length).fill(1);
  return m;
}
