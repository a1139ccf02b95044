// The contract between the experiment runner and its hosts (the CLI in-process, the BullMQ worker).
import type { ExperimentConfig } from '@driftprune/config';
import type { WindowSummary } from './metrics/metrics.js';

export type ModelRole = 'dense' | 'serving';

/** Metrics of one model on one window, computed before training on that window (progressive validation). */
export interface WindowMetric extends WindowSummary {
  window: number;
  windowId: string;
  model: ModelRole;
  /** Fraction of prunable weights removed in this model (0 for dense). */
  sparsity: number;
  /** Forward FLOPs per sample of this model's MLPs + interaction. */
  flops: number;
  params: number;
  /** true during warm-up windows, which are excluded from headline figures. */
  warmup: boolean;
}

export interface RefreshEvent {
  window: number;
  /** 'schedule' | 'warmup_end' | 'delta_ne' | 'jaccard' | 'ramp' | 'regrow' | 'r_max' … */
  trigger: string;
  /** Layer name → kept width (structured) or kept weights (unstructured). */
  widths: Record<string, number>;
  /** Jaccard index between the new mask and the previous one (1 for the first). */
  jaccard: number;
  flopsRatio: number;
  /** With refresh.shadowWindows: the first window the new model serves (it trains alongside until then). */
  servesFromWindow?: number;
}

export interface ServingEval {
  window: number;
  model: ModelRole;
  batchSize: number;
  p50Ms: number;
  p99Ms: number;
  samplesPerSec: number;
  /** Max |p_onnx − p_engine| on the next window's first batch. */
  parityMaxAbsDiff: number;
}

export interface Progress {
  window: number;
  windows: number | null;
  samplesDone: number;
  samplesPerSec: number;
  /** 0..1 when the number of windows is known. */
  fraction: number | null;
  etaSec: number | null;
}

export type RunEvent =
  | { type: 'window'; metrics: WindowMetric[] }
  | { type: 'refresh'; refresh: RefreshEvent }
  | { type: 'serving'; evals: ServingEval[]; artifactPaths: string[] }
  | { type: 'checkpoint'; window: number; path: string }
  | { type: 'progress'; progress: Progress }
  | { type: 'log'; level: 'info' | 'warn'; message: string };

export interface RunSummary {
  paradigm: string;
  windows: number;
  meanDeltaNEPct: number;
  maxDeltaNEPct: number;
  servingFlopsRatio: number;
  servingParamsRatio: number;
  servingSpeedup: number | null;
  refreshes: number;
  trainingFlops: number;
  wallSec: number;
  /** Windows that count in the headline ΔNE figures (after warm-up, with a serving model). */
  evaluationWindows?: number;
  /** Evaluation windows left out of the headline figures, by reason (absent when none). */
  excludedWindows?: Partial<Record<NonNullable<WindowSummary['excluded']>, number>>;
  meanNEDense?: number;
  meanNEServing?: number;
  /** Serving throughput over dense throughput at each timed batch size (last serving evaluation). */
  speedupByBatch?: Record<number, number>;
  /** Largest |p_onnx − p_engine| over all serving evaluations. */
  parityMaxAbsDiff?: number | null;
  /** Training FLOPs of embedding-row updates (gradient accumulation + optimizer; ours, method.md § Cost). */
  embeddingTrainingFlops?: number;
  /** trainingFlops (MLPs + interaction, 3 × forward) plus embeddingTrainingFlops. */
  totalTrainingFlops?: number;
  /** Largest memory the live models (dense, serving, shadow) held at once: parameters, optimizer slots, masks, Taylor scores. */
  peakModelBytes?: number;
  /** Serving FLOPs over dense FLOPs, averaged over the evaluation windows (what served each window, not the final model). */
  meanServingFlopsRatio?: number;
  /** Wall seconds in the paradigm's actions: pruning (learned gates included), installs, fine-tuning, regrowth. */
  refreshWallSec?: number;
  /** Serving speed-up (largest timed batch) of the evaluated serving models, weighted by the windows each served. */
  meanServingSpeedup?: number | null;
  /** Problems with the results that a reader must see before trusting them (empty when none). */
  warnings?: RunWarning[];
}

/** `DENSE_NE_AT_LEAST_ONE`: the dense model's mean NE over the evaluation windows is ≥ 1 (worse than the base rate). */
export interface RunWarning {
  code: 'DENSE_NE_AT_LEAST_ONE';
  message: string;
}

export interface RunOptions {
  config: ExperimentConfig;
  /** Where checkpoints, ONNX models, logs, summary.json and report.html go. */
  outDir: string;
  /** Resume from the last checkpoint in outDir when one exists (bit-identical metrics on CPU). */
  resume?: boolean;
  maxWindows?: number;
  /** Checked at least once per mini-batch; an aborted run stops within one batch and throws AbortError. */
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void | Promise<void>;
  /** Title of the run's report.html (default: the config's name). */
  reportTitle?: string;
}
