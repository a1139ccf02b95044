// What a paradigm is to the runner (method.md § Paradigms): what it trains, when it changes the serving model,
// and how. The runner owns the protocol — evaluate every live model on W_t, train on W_t, let the paradigm act,
// checkpoint — and a paradigm only acts. What serves is always the run's serving model once one exists, the dense
// model before. A new paradigm is one file here plus its test, registered in index.ts.
import type { Batch, Window } from '@driftprune/data';
import type { RunContext } from '../run/context.js';
import type { WindowMetric } from '../types.js';

export interface Paradigm {
  readonly kind: string;
  /**
   * What trains besides the serving (and shadow) model: the dense model trains on every window in every paradigm,
   * as the ΔNE reference. `always`: it is part of this paradigm (dense, d2s), so its training compute counts;
   * `until_sparse`: only until the first sparse model exists (afterwards it is the reference only, uncounted).
   */
  readonly denseTraining: 'always' | 'until_sparse';
  /** After the last warm-up window (and only if the run prunes): the first serving model. */
  warmupEnd(run: RunContext, t: number, win: Window): Promise<void>;
  /**
   * What the serving model trains on instead of the batch (prune_once_distill: the dense model's predictions);
   * called before the dense model trains on the batch. Default: the batch itself.
   */
  servingBatch?(run: RunContext, batch: Batch): Batch;
  /** After each training step of window t (gradual prunes during its ramp). */
  afterStep?(run: RunContext, win: Window, stepInWindow: number, batchesInWindow: number): Promise<void>;
  /** After training on window t, at every window but the warm-up end: refresh, regrow, end a ramp… */
  afterWindow(run: RunContext, t: number, win: Window, metrics: WindowMetric[]): Promise<void>;
}
