// How big a run is before it runs: parameters, memory and training compute estimated from the config alone, and the
// limits the schema enforces (docs/security.md § Run size and budget). An editor's config must not be able to hold a
// worker for hours or ask it for many GB; the worker's per-run budget (RUN_MAX_WALL_SEC, RUN_MAX_MEMORY_MB) catches
// what an estimate cannot see (a data file's rows, allocator overhead).
import type { ExperimentConfig } from './experiment.js';

/** Limits of the experiment schema; each message that refuses a config names its limit. */
export const RUN_LIMITS = {
  /** Rows of one field's embedding table (2^24: Criteo's largest fields hashed without many collisions). */
  hashSizePerField: 2 ** 24,
  /** Width of one hidden MLP layer. */
  layerWidth: 16_384,
  /** Hidden layers per MLP. */
  mlpLayers: 16,
  /** Trainable values (embedding rows × dim + MLP weights and biases) of one model: 2^27, 512 MiB of float32. */
  modelParameters: 2 ** 27,
  /** Windows of a run (data.maxWindows, synthetic.windows). */
  windows: 100_000,
  /** Rows read per window (data.maxRowsPerWindow). */
  rowsPerWindow: 100_000_000,
  /** Rows trained on over the run, where the config fixes them (synthetic; files with maxWindows and maxRowsPerWindow). */
  trainingRows: 1_000_000_000,
  /** Estimated training FLOPs over the run, where the rows are known: 1e15 is ~28 h at 10 GFLOP/s. */
  trainingFlops: 1e15,
} as const;

/** Dense and categorical inputs of each built-in source (packages/data's schemas; a test there checks they agree). */
export const SOURCE_INPUTS: Record<'criteo' | 'avazu' | 'movielens' | 'clicks', { numDense: number; numFields: number }> = {
  criteo: { numDense: 13, numFields: 26 },
  // 21 categorical columns + hour_of_day, day_of_week; dense: hour_sin, hour_cos
  avazu: { numDense: 2, numFields: 23 },
  movielens: { numDense: 3, numFields: 9 },
  clicks: { numDense: 9, numFields: 11 },
};

/** Optimizer state per trained value (float32 slots). */
const OPTIMIZER_SLOTS = { sgd: 0, adagrad: 1, adam: 2 } as const;

export interface RunSizeEstimate {
  numDense: number;
  /** Categorical fields; null where only the data file can tell (a csv source without a mapping: a registered dataset). */
  numFields: number | null;
  embeddingParameters: number;
  mlpParameters: number;
  parameters: number;
  /** Models alive at once: the trained dense model, a serving sparse model, a shadow model. */
  liveModels: number;
  /**
   * Bytes of the live models' training state: 4 bytes × values × (weight + gradient + optimizer slots + mask +
   * Taylor score) per model. An estimate of the largest term, not of the process (add ~300 MB for Node and
   * onnxruntime, and a window of rows: rowsPerWindow × (numDense + numFields) × 4 bytes).
   */
  modelBytes: number;
  /** Rows trained on over the run; null when the data decides. */
  trainingRows: number | null;
  /** Forward + backward ≈ 3 × forward FLOPs per row × rows; null when the rows are unknown. */
  trainingFlops: number | null;
}

function inputsOf(c: ExperimentConfig): { numDense: number; numFields: number | null } {
  const d = c.data;
  switch (d.source) {
    case 'synthetic':
      return { numDense: d.synthetic.numDense, numFields: d.synthetic.numFields };
    case 'csv':
      return d.csv ? { numDense: d.csv.dense.length, numFields: d.csv.categorical.length } : { numDense: 0, numFields: Array.isArray(d.hashSize) ? d.hashSize.length : null };
    default:
      return SOURCE_INPUTS[d.source];
  }
}

/** Parameters, memory and compute of a run, from its config. */
export function estimateRunSize(c: ExperimentConfig): RunSizeEstimate {
  const { numDense, numFields } = inputsOf(c);
  const D = c.model.embeddingDim;
  const F = numFields ?? (Array.isArray(c.data.hashSize) ? c.data.hashSize.length : 1);
  const tableRows = Array.isArray(c.data.hashSize) ? c.data.hashSize.reduce((a, b) => a + b, 0) : c.data.hashSize * F;
  const embeddingParameters = tableRows * D;
  const n = F + 1;
  const interaction = c.model.interaction === 'dot' ? D + (n * (n - 1)) / 2 : D * n;
  const bottom = [numDense, ...c.model.bottomMlp, D];
  const top = [interaction, ...c.model.topMlp, 1];
  let macs = 0;
  let mlpParameters = 0;
  for (const widths of [bottom, top])
    for (let i = 1; i < widths.length; i++) {
      macs += widths[i - 1] * widths[i];
      mlpParameters += widths[i - 1] * widths[i] + widths[i];
    }
  const parameters = embeddingParameters + mlpParameters;
  const liveModels = c.paradigm.kind === 'dense' ? 1 : 2 + (((c.paradigm as { refresh?: { shadowWindows?: number } }).refresh?.shadowWindows ?? 0) > 0 ? 1 : 0);
  const perValue = 1 + 1 + OPTIMIZER_SLOTS[c.optimizer.kind] + (c.paradigm.kind === 'dense' ? 0 : 2);
  const modelBytes = 4 * parameters * perValue * liveModels;
  const d = c.data;
  const trainingRows =
    d.source === 'synthetic'
      ? Math.min(d.maxWindows ?? Infinity, d.synthetic.windows) * Math.min(d.maxRowsPerWindow ?? Infinity, d.synthetic.rowsPerWindow)
      : d.maxWindows != null && d.maxRowsPerWindow != null
        ? d.maxWindows * d.maxRowsPerWindow
        : null;
  // 2 FLOPs per multiply-add, ×3 for forward + backward; embedding rows read and updated: 3 × F × D
  const flopsPerRow = 3 * (2 * macs + 2 * F * D);
  return {
    numDense,
    numFields,
    embeddingParameters,
    mlpParameters,
    parameters,
    liveModels,
    modelBytes,
    trainingRows,
    trainingFlops: trainingRows == null ? null : trainingRows * flopsPerRow * liveModels,
  };
}

const fmt = (n: number) => (n >= 1e6 ? n.toExponential(2) : n.toLocaleString('en-US'));

/** Problems of a config's size against RUN_LIMITS: one { path, message } per limit exceeded; [] when it fits. */
export function runSizeProblems(c: ExperimentConfig): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const s = estimateRunSize(c);
  if (s.parameters > RUN_LIMITS.modelParameters)
    out.push({
      path: ['model'],
      message:
        `the model has ${fmt(s.parameters)} parameters (embeddings ${fmt(s.embeddingParameters)}, MLPs ${fmt(s.mlpParameters)}); ` +
        `at most ${fmt(RUN_LIMITS.modelParameters)} (2^27, 512 MiB of float32 weights): lower data.hashSize, model.embeddingDim or the MLP widths`,
    });
  if (s.trainingRows != null && s.trainingRows > RUN_LIMITS.trainingRows)
    out.push({
      path: ['data'],
      message: `the run trains on ${fmt(s.trainingRows)} rows (windows × rows per window); at most ${fmt(RUN_LIMITS.trainingRows)}: lower the windows or the rows per window`,
    });
  else if (s.trainingFlops != null && s.trainingFlops > RUN_LIMITS.trainingFlops)
    out.push({
      path: ['data'],
      message: `the run needs about ${fmt(s.trainingFlops)} training FLOPs (rows × 3 × forward FLOPs × live models); at most ${fmt(RUN_LIMITS.trainingFlops)}: fewer rows or a smaller model`,
    });
  return out;
}
