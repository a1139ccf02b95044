// Serving evaluation: the exported ONNX model run by onnxruntime-node, checked against the engine and timed.
import * as ort from 'onnxruntime-node';
import type { Batch } from '@driftprune/data';
import type { ModelRole, ServingEval } from '../types.js';

export interface ServingModel {
  role: ModelRole;
  onnx: Uint8Array;
  /** The engine's probabilities on the parity batch. */
  enginePredictions: Float32Array;
}

export interface ServingBench {
  batchSizes: number[];
  iterations: number;
  threads: number;
  /** onnxruntime's execution provider for the served model: 'cpu' (default) or 'webgpu' (inputs and outputs on the host). */
  executionProvider?: 'cpu' | 'webgpu';
}

/** Copies a batch (the producer may reuse its arrays) and tiles its rows up to `n`. */
export function tileBatch(b: Batch, numDense: number, numFields: number, n: number): { dense: Float32Array; cat: Int32Array } {
  const dense = new Float32Array(n * numDense);
  const cat = new Int32Array(n * numFields);
  for (let i = 0; i < n; i++) {
    const r = i % b.size;
    dense.set(b.dense.subarray(r * numDense, (r + 1) * numDense), i * numDense);
    cat.set(b.cat.subarray(r * numFields, (r + 1) * numFields), i * numFields);
  }
  return { dense, cat };
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

async function run(session: ort.InferenceSession, dense: Float32Array, cat: Int32Array, n: number, numDense: number, numFields: number): Promise<Float32Array> {
  const out = await session.run({ dense: new ort.Tensor('float32', dense, [n, numDense]), cat: new ort.Tensor('int32', cat, [n, numFields]) });
  const prob = out.prob ?? Object.values(out)[0];
  return prob.data as Float32Array;
}

/**
 * Loads each model in onnxruntime-node, checks parity with the engine on `batch` (max |p_onnx − p_engine|), and
 * measures p50/p99 latency and throughput at each batch size (a few untimed warm-up runs first).
 */
export async function evaluateServing(
  window: number,
  models: ServingModel[],
  batch: Batch,
  schema: { numDense: number; numFields: number },
  bench: ServingBench,
  signal?: AbortSignal,
): Promise<ServingEval[]> {
  const { numDense, numFields } = schema;
  const evals: ServingEval[] = [];
  const parityInput = tileBatch(batch, numDense, numFields, batch.size);
  for (const m of models) {
    const session = await ort.InferenceSession.create(m.onnx, {
      intraOpNumThreads: bench.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      executionProviders: [bench.executionProvider ?? 'cpu'],
    });
    try {
      const p = await run(session, parityInput.dense, parityInput.cat, batch.size, numDense, numFields);
      let diff = 0;
      for (let i = 0; i < batch.size; i++) diff = Math.max(diff, Math.abs(p[i] - m.enginePredictions[i]));
      for (const bs of bench.batchSizes) {
        const x = tileBatch(batch, numDense, numFields, bs);
        for (let i = 0; i < 3; i++) await run(session, x.dense, x.cat, bs, numDense, numFields);
        const times: number[] = [];
        for (let i = 0; i < bench.iterations; i++) {
          if (signal?.aborted) throw abortError();
          const t0 = performance.now();
          await run(session, x.dense, x.cat, bs, numDense, numFields);
          times.push(performance.now() - t0);
        }
        const mean = times.reduce((a, b) => a + b, 0) / times.length;
        times.sort((a, b) => a - b);
        evals.push({ window, model: m.role, batchSize: bs, p50Ms: quantile(times, 0.5), p99Ms: quantile(times, 0.99), samplesPerSec: (bs * 1000) / mean, parityMaxAbsDiff: diff });
      }
    } finally {
      await session.release();
    }
  }
  return evals;
}

/**
 * Speed-up of the serving model over dense, by batch size: dense p50 latency / serving p50 latency. The median
 * is used rather than mean throughput because on a shared machine a few preempted iterations dominate the mean.
 */
export function speedups(evals: ServingEval[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of evals.filter((e) => e.model === 'serving')) {
    const d = evals.find((e) => e.model === 'dense' && e.batchSize === s.batchSize && e.window === s.window);
    if (d) out[s.batchSize] = d.p50Ms / s.p50Ms;
  }
  return out;
}

export function abortError(): Error {
  const e = new Error('the run was cancelled');
  e.name = 'AbortError';
  return e;
}
