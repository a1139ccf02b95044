// The run state a resumed run needs besides the trainers, and how it is written at window boundaries.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Trainer } from '@driftprune/engine';
import type { EncodedMask, EncodedParams } from './codec.js';
import type { RefreshEvent, ServingEval, WindowMetric } from '../types.js';

/** Everything besides the trainers that a resumed run needs; written as JSON at window boundaries. */
export interface RunState {
  version: 1;
  nextWindow: number;
  metrics: WindowMetric[];
  refreshes: RefreshEvent[];
  serving: ServingEval[];
  trainingFlops: number;
  samplesTrained: number;
  mask: EncodedMask | null;
  lastRefreshWindow: number;
  pendingServingEval: boolean;
  /** gradual: the sparsity reached so far. */
  sparsityReached: number;
  /** sparse_regrow: the last in-weights of every dense neuron, so a regrown neuron starts from them. */
  reservoir: EncodedParams | null;
  hasServing: boolean;
  /** d2s/adaptive_d2s with refresh.shadowWindows: the next sparse model, training before it serves. */
  shadow: { windowsLeft: number; mask: EncodedMask } | null;
  /** d2s_ramp: the ramp in progress — steps taken, the sparsity reached, and which model ramps. */
  ramp?: { step: number; reached: number; slot: 'serving' | 'shadow' } | null;
  /** adaptive_d2s with budgetAdaptation: the budget the next refresh prunes to. */
  adaptiveBudget?: number;
  /** Training FLOPs of the embedding rows (gradient accumulation and optimizer update), beside `trainingFlops`. */
  embeddingTrainingFlops?: number;
  /** Largest memory the live models held at once: parameters, optimizer slots, masks and Taylor scores, bytes. */
  peakModelBytes?: number;
  /** Wall seconds spent in the paradigm's actions: pruning (gates included), installs, fine-tuning, regrowth. */
  refreshWallSec?: number;
}

/** Writes the checkpoint next to the old one, then swaps: a crash mid-write leaves the previous one intact. */
export async function saveCheckpoint(dir: string, st: RunState, dense: Trainer, serving: Trainer | null, shadow: Trainer | null): Promise<void> {
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'dense.ckpt'), dense.saveCheckpoint());
  if (serving) await writeFile(join(tmp, 'serving.ckpt'), serving.saveCheckpoint());
  if (shadow) await writeFile(join(tmp, 'shadow.ckpt'), shadow.saveCheckpoint());
  await writeFile(join(tmp, 'state.json'), JSON.stringify(st));
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}

/** Log files always reflect the state: rewritten from it on start and resume, appended to while running. */
export async function rewriteLogs(outDir: string, st: RunState): Promise<void> {
  const lines = (xs: unknown[]) => xs.map((x) => JSON.stringify(x) + '\n').join('');
  await writeFile(join(outDir, 'metrics.jsonl'), lines(st.metrics));
  await writeFile(join(outDir, 'refreshes.jsonl'), lines(st.refreshes));
  await writeFile(join(outDir, 'serving.jsonl'), lines(st.serving));
}
