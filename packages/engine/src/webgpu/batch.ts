// Batch checks of the resident engine (the same rules and messages as the CPU trainer's).
import type { Batch } from '@driftprune/data';
import { EngineError } from '../errors.js';
import type { DlrmShape } from '../types.js';

/** Returns the batch size; throws EngineError('BAD_BATCH') naming what is wrong. */
export function checkBatch(shape: DlrmShape, batch: Batch, needLabels: boolean, ids = true): number {
  const B = batch?.size;
  if (!Number.isInteger(B) || B <= 0) throw new EngineError('BAD_BATCH', `batch.size must be a positive integer, got ${B}`);
  const F = shape.tableSizes.length;
  if (batch.dense.length < B * shape.numDense) throw new EngineError('BAD_BATCH', `batch.dense holds ${batch.dense.length} values; ${B} rows × ${shape.numDense} dense features are needed`);
  if (batch.cat.length < B * F) throw new EngineError('BAD_BATCH', `batch.cat holds ${batch.cat.length} ids; ${B} rows × ${F} fields are needed`);
  if (needLabels && batch.labels.length < B) throw new EngineError('BAD_BATCH', `batch.labels holds ${batch.labels.length} labels for ${B} rows`);
  // Ids are checked here because the device's Gather would clamp an out-of-range id silently. Field-major loops
  // (no modulo per id) keep this cheap at large batches. (The packed training input checks them while packing.)
  if (!ids) return B;
  const cat = batch.cat;
  for (let f = 0; f < F; f++) {
    const n = shape.tableSizes[f];
    for (let i = f; i < B * F; i += F) {
      const id = cat[i];
      if (!(id >= 0 && id < n)) throw new EngineError('BAD_BATCH', `batch row ${Math.floor(i / F)}, field ${f}: id ${id} is outside the table (0 ≤ id < ${n})`);
    }
  }
  return B;
}

