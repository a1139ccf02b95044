// What each config field means, in a sentence, shown beside the field. The schema (packages/config) holds the rules;
// this holds the explanations, taken from docs/method.md and the schema's own comments.

/** Paradigm kind → what serves, what trains and when the mask changes. */
export const PARADIGM_HELP: Record<string, string> = {
  dense: 'Reference: the full model serves and trains; nothing is pruned. Every other paradigm is compared with it.',
  prune_once:
    'Prune once after the warm-up windows and keep that mask for the rest of the stream; the sparse model trains with its fixed mask.',
  gradual:
    'Zhu & Gupta (2017): one model whose sparsity ramps from 0 to the budget along a cubic schedule, then stays fixed.',
  sparse_regrow:
    'Dynamic sparse training (RigL-style): every r windows drop the lowest-magnitude weights or neurons and regrow the highest-gradient ones, keeping the same budget.',
  d2s: 'Dense-to-sparse (Ye et al. 2020): a dense model keeps training; every r windows a new sparse serving model is derived from it.',
  adaptive_d2s:
    'Adaptive D2S: like d2s, but a refresh happens when a trigger fires (ΔNE above τ, the dense model’s NE rising, or the mask drifting below a Jaccard bound), within [rMin, rMax] windows; each refresh re-learns per-layer sparsity, and with budget adaptation prunes less after a wide gap and more after a narrow one.',
  prune_once_distill:
    'Compute-matched baseline: prune once after warm-up, then train the sparse model every window on the co-trained dense model’s predictions (mixed with the labels); it pays D2S’s compute without ever replacing the sparse model.',
  d2s_ramp:
    'D2S with a ramp: every r windows a copy of the dense model is pruned gradually over a few hundred steps while it trains, then replaces the serving model (no one-shot cut).',
};

/** Paradigm fields whose meaning depends on the paradigm: `kind.field`. */
const PARADIGM_FIELD_HELP: Record<string, string> = {
  'sparse_regrow.r': 'Update the mask (drop and regrow) every r windows.',
  'd2s.r': 'Derive a new sparse model from the dense one every r windows. Small r adapts faster but costs more pruning work.',
  'gradual.rampWindows': 'Windows over which sparsity ramps from 0 to the budget (cubic schedule).',
  'gradual.everySteps': 'Prune every N training steps during the ramp.',
  'sparse_regrow.regrowFraction': 'Fraction of the live weights or neurons dropped and regrown at each update.',
  'adaptive_d2s.tau': 'Refresh when the last window’s ΔNE% (serving vs dense) exceeds τ percent.',
  'adaptive_d2s.jaccardBound':
    'Refresh when the mask the dense model would give now overlaps the serving mask below this Jaccard index (0–1).',
  'adaptive_d2s.rMin': 'Never refresh more often than every rMin windows.',
  'adaptive_d2s.rMax': 'Always refresh after rMax windows without one.',
  'adaptive_d2s.driftPct': 'Also refresh when the dense model’s NE on the last window is this many percent above its mean since the last refresh (0 = off).',
  'adaptive_d2s.budgetAdaptation.enabled': 'Adapt how much each refresh prunes: less after a wide gap (above τ), more after a narrow one.',
  'adaptive_d2s.budgetAdaptation.step': 'How much the budget moves at a refresh (a fraction, e.g. 0.05).',
  'adaptive_d2s.budgetAdaptation.min': 'The smallest budget the adaptation may reach.',
  'adaptive_d2s.budgetAdaptation.max': 'The largest budget the adaptation may reach.',
  'adaptive_d2s.budgetAdaptation.lowGapPct': 'A mean gap (ΔNE%) below this since the last refresh makes the next refresh prune more.',
  'prune_once_distill.distillWeight': 'The sparse model trains on (1 − w)·label + w·(dense model’s prediction); 1 = distillation only.',
  'd2s_ramp.r': 'Start a new ramped model every r windows.',
  'd2s_ramp.rampSteps': 'Training steps over which a new model is pruned from dense to the budget (cubic schedule).',
  'd2s_ramp.everySteps': 'Prune every N steps of a ramp.',
  'adaptive_d2s.requireGrowingGap':
    'The ΔNE trigger fires only when the gap grew since the previous window under the same serving model: right after a refresh the gap is mostly the pruning shock, which training recovers.',
};

export const FIELD_HELP: Record<string, string> = {
  name: 'A label for the experiment; runs are named after it.',
  seed: 'Seeds data generation, initialisation and shuffling: the same seed gives the same run on CPU.',
  'data.source': 'Where rows come from: a deterministic synthetic drifting stream, or a real log file.',
  'data.path': 'File or directory of the data set; required for every source but synthetic.',
  'data.window': 'How the stream is cut into windows: day, week, hour, or rows:N for a fixed number of rows.',
  'data.batchSize': 'Rows per training mini-batch.',
  'data.maxWindows': 'Stop after this many windows (all when empty).',
  'data.maxRowsPerWindow': 'Read at most this many rows per window (all when empty).',
  'data.hashSize': 'Hash buckets per categorical field: one number for all fields, or a comma-separated list, one per field.',
  'data.errorBudget': 'Fraction of malformed rows tolerated before the stream fails; every bad row is counted and reported.',
  'data.shuffleWithinWindow': 'Shuffle rows inside each window before training (the order of windows is always kept).',
  'data.positiveRating': 'MovieLens: a rating at or above this is a click (label 1).',
  'data.synthetic': 'The drifting teacher that generates Criteo-like rows.',
  'data.synthetic.windows': 'How many windows the synthetic stream has.',
  'data.synthetic.rowsPerWindow': 'Rows generated per window.',
  'data.synthetic.numDense': 'Dense (numeric) features per row.',
  'data.synthetic.numFields': 'Categorical fields per row.',
  'data.synthetic.vocabPerField': 'Distinct ids per categorical field at the start of the stream.',
  'data.synthetic.zipfExponent': 'Zipf exponent of id popularity (1.0–1.3 is typical of CTR logs).',
  'data.synthetic.rankRotation': 'Fraction of popularity ranks that rotate each window (gradual drift).',
  'data.synthetic.newIdRate': 'Fraction of each window’s draws that hit ids never seen before.',
  'data.synthetic.driftStd': 'Random-walk step of the teacher’s weights per window, relative to their scale.',
  'data.synthetic.shiftEvery': 'An abrupt shift every N windows (0 = never).',
  'data.synthetic.shiftScale': 'Size of an abrupt shift, relative to the teacher’s weight scale.',
  'data.synthetic.baseCtr': 'Base click-through rate before the daily cycle.',
  'data.synthetic.dailyCycleAmplitude': 'Amplitude of the daily CTR cycle, in logit units.',
  'data.synthetic.labelNoise': 'Probability that a label is flipped.',
  'data.synthetic.hoursPerWindow': 'Hours of simulated time per window (24 = a day).',
  'data.csv': 'Column mapping of a CSV/TSV file (required for source csv).',
  'model.embeddingDim': 'Width of every embedding vector (and of the bottom MLP’s output).',
  'model.bottomMlp': 'Hidden widths of the bottom MLP over the dense features, e.g. 512, 256, 64.',
  'model.topMlp': 'Hidden widths of the top MLP after the interaction, e.g. 512, 256.',
  'model.interaction': 'dot: pairwise dot products of embeddings (DLRM); cat: concatenation.',
  'optimizer.kind': 'The optimizer of both dense and sparse models.',
  'optimizer.lr': 'Learning rate.',
  'engine.device': 'Where training runs: cpu, webgpu, or auto (the best available).',
  'engine.threads': 'onnxruntime intra-op threads for serving (0 = its default).',
  'paradigm.kind': 'How the serving model is produced and kept up to date on the stream.',
  'paradigm.warmupWindows': 'Windows of dense-only training at the start; excluded from headline figures.',
  'paradigm.refresh.warmStart': 'A new sparse model starts from the dense weights (on) or from scratch (off).',
  'paradigm.refresh.fineTuneSteps': 'Fine-tune steps on the latest window right after each refresh.',
  'paradigm.refresh.fineTuneTarget':
    'What fine-tuning fits: dense distils the dense model’s predictions (default); labels refits the window’s labels, which the new model’s starting weights have already seen, and overfits it.',
  'paradigm.refresh.shadowWindows':
    'Windows a new sparse model trains alongside the serving one before it takes over (0 = it serves at once): a freshly pruned, unrecovered model does not serve, at the cost of training one more model meanwhile.',
  pruning: 'How the sparse model is cut from the dense one. Required for every paradigm but dense.',
  'pruning.granularity': 'structured removes whole neurons (faster ONNX serving); unstructured removes single weights (smaller files, no speed-up).',
  'pruning.budget': 'Fraction of prunable MLP FLOPs (or parameters) removed: 0.75 means 75 % fewer. A fraction, not a percentage.',
  'pruning.budgetUnit': 'Whether the budget counts FLOPs or parameters.',
  'pruning.criterion': 'magnitude: |w| (or a neuron’s L2 norm); taylor: |w·∂L/∂w| averaged over the latest window; hybrid: a mix.',
  'pruning.hybridAlpha': 'hybrid score = α·magnitude + (1 − α)·taylor, each normalised per layer.',
  'pruning.taylorDecay': 'Decay per training step of the moving average of Taylor scores.',
  'pruning.allocation': 'How much each layer loses: uniform, global (one threshold), greedy (least estimated loss per FLOP, from the Taylor average; the old "learned"), or learned (per-neuron gates trained on the latest window under the FLOPs budget; structured only).',
  'pruning.minWidth': 'Structured pruning never leaves a hidden layer narrower than this.',
  'pruning.learned.steps': 'Allocation learned: gate-training steps on the latest window (each one forward and backward pass of the model).',
  'pruning.learned.lr': 'Allocation learned: Adam step size of the gate logits.',
  'pruning.learned.dualLr': 'Allocation learned: step size of the budget multiplier that pulls the expected cost to the budget.',
  'evaluation.minClassRows': 'A window with fewer rows of its rarer label class is left out of the headline figures (one-class windows always are).',
  'evaluation.serving.enabled': 'Measure serving latency and throughput of the exported ONNX models.',
  'evaluation.serving.everyRefresh': 'Measure at every refresh (on) or only at the end of the run (off).',
  'evaluation.serving.batchSizes': 'Batch sizes timed for serving, e.g. 1, 64, 512.',
  'evaluation.serving.iterations': 'Timed iterations per batch size.',
  'checkpoint.everyWindows': 'Write a checkpoint every N windows (0 = never); a resumed run continues from the last one.',
};

/** The explanation of a field, for the chosen paradigm when the field belongs to it. */
export function helpFor(path: string, paradigmKind?: string): string | undefined {
  if (paradigmKind && path.startsWith('paradigm.')) {
    const specific = PARADIGM_FIELD_HELP[`${paradigmKind}.${path.slice('paradigm.'.length)}`];
    if (specific) return specific;
  }
  return FIELD_HELP[path];
}

/** "rowsPerWindow" → "Rows per window". */
export function labelFor(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
