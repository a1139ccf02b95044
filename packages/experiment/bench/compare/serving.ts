// The serving speed-up of the models that were evaluated: the final dense and serving ONNX models of a run, downloaded
// through the API, timed in onnxruntime-node in this process after the workers have stopped, dense and pruned
// alternating over several rounds (the workers' own timings ran beside another worker's training).
import { CLICKS_DENSE, type Batch } from '@driftprune/data';
import { Rng } from '@driftprune/data/random';
import { evaluateServing } from '../../src/serving/serving-eval.js';
import type { RunRecord } from './collect.js';
import { gql, type Platform } from './platform.js';

export interface ServingSpeedup {
  stream: string;
  arm: string;
  budget: number;
  runId: string;
  batchSize: number;
  /** Median over rounds of dense p50 / serving p50, and the rounds' smallest and largest ratio. */
  speedup: number;
  min: number;
  max: number;
  denseP50Ms: number;
  servingP50Ms: number;
  rounds: number;
}

const ARTIFACTS = 'query($id: ID!) { run(id: $id) { artifacts { kind name window downloadPath } } }';

/** The run's last exported dense and serving models (`models/{dense,serving}-wNNNN.onnx`). */
async function finalModels(p: Platform, runId: string): Promise<{ dense: Uint8Array; serving: Uint8Array }> {
  const r = await gql<{ run: { artifacts: { kind: string; name: string; downloadPath: string }[] } }>(p, ARTIFACTS, { id: runId });
  const pick = (role: string) =>
    r.run.artifacts
      .filter((a) => a.kind === 'onnx' && new RegExp(`${role}-w\\d+\\.onnx$`).test(a.name))
      .sort((a, b) => a.name.localeCompare(b.name))
      .at(-1);
  const get = async (role: string) => {
    const a = pick(role);
    if (!a) throw new Error(`run ${runId} has no ${role} ONNX model among its artifacts`);
    const res = await fetch(new URL(a.downloadPath, p.api), { headers: { authorization: `Bearer ${p.token}` } });
    if (!res.ok) throw new Error(`GET ${a.downloadPath}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
  return { dense: await get('dense'), serving: await get('serving') };
}

/** The model's input schema from its config (dense columns, one table size per field). */
export function inputSchema(config: Record<string, any>): { numDense: number; tableSizes: number[] } {
  const d = config.data;
  if (d.source === 'synthetic') {
    const hs = d.hashSize;
    return { numDense: d.synthetic.numDense, tableSizes: Array.isArray(hs) ? hs : Array(d.synthetic.numFields).fill(hs) };
  }
  if (d.source === 'clicks') return { numDense: CLICKS_DENSE.length, tableSizes: d.hashSize };
  throw new Error(`serving timing knows the synthetic and clicks sources, not ${d.source}`);
}

/** A batch of valid random inputs: standard normal dense features, ids uniform over each table. */
export function randomBatch(schema: { numDense: number; tableSizes: number[] }, size: number, seed: number): Batch {
  const rng = new Rng(seed);
  const F = schema.tableSizes.length;
  const dense = Float32Array.from({ length: size * schema.numDense }, () => rng.gaussian());
  const cat = Int32Array.from({ length: size * F }, (_, i) => rng.int(schema.tableSizes[i % F]));
  return { size, dense, cat, labels: new Float32Array(size) };
}

/** One run per (stream, arm, budget) among those that exported their final models: the one with the smallest seeds. */
export function representatives(records: RunRecord[], allocation: string): RunRecord[] {
  const out = new Map<string, RunRecord>();
  for (const r of records) {
    if (r.status !== 'succeeded' || r.budget === null || r.allocation !== allocation || !r.config.evaluation?.serving?.enabled) continue;
    const key = `${r.stream}|${r.arm}|${r.budget}`;
    const cur = out.get(key);
    if (!cur || r.dataSeed < cur.dataSeed || (r.dataSeed === cur.dataSeed && r.initSeed < cur.initSeed)) out.set(key, r);
  }
  return [...out.values()];
}

export async function measureServing(p: Platform, runs: RunRecord[], o: { rounds: number; iterations: number; batchSizes: number[]; log: (s: string) => void }): Promise<ServingSpeedup[]> {
  const out: ServingSpeedup[] = [];
  for (const r of runs) {
    // A run whose models cannot be fetched is reported and skipped: the timings of the others still stand.
    const models = await finalModels(p, r.id).catch((e: unknown) => {
      o.log(`serving not timed: ${r.stream} ${r.arm} ${Math.round(r.budget! * 100)} % (run ${r.id}): ${e instanceof Error ? e.message : String(e)}`);
      return null;
    });
    if (!models) continue;
    const schema = inputSchema(r.config);
    const batch = randomBatch(schema, Math.max(...o.batchSizes), 1);
    // No engine here to check parity against (the worker did); the field only feeds evaluateServing's parity column.
    const none = new Float32Array(batch.size);
    const ratios = new Map<number, { r: number; d: number; s: number }[]>(o.batchSizes.map((b) => [b, []]));
    for (let round = 0; round < o.rounds; round++) {
      const order = round % 2 ? (['serving', 'dense'] as const) : (['dense', 'serving'] as const);
      const evals = await evaluateServing(0, order.map((role) => ({ role, onnx: models[role], enginePredictions: none })), batch, { numDense: schema.numDense, numFields: schema.tableSizes.length }, { batchSizes: o.batchSizes, iterations: o.iterations, threads: 1 });
      for (const b of o.batchSizes) {
        const d = evals.find((e) => e.model === 'dense' && e.batchSize === b)!.p50Ms;
        const s = evals.find((e) => e.model === 'serving' && e.batchSize === b)!.p50Ms;
        ratios.get(b)!.push({ r: d / s, d, s });
      }
    }
    for (const [b, rs] of ratios) {
      const sorted = [...rs].sort((x, y) => x.r - y.r);
      const mid = sorted[Math.floor(sorted.length / 2)];
      out.push({ stream: r.stream, arm: r.arm, budget: r.budget!, runId: r.id, batchSize: b, speedup: mid.r, min: sorted[0].r, max: sorted.at(-1)!.r, denseP50Ms: mid.d, servingP50Ms: mid.s, rounds: o.rounds });
    }
    o.log(`serving timed: ${r.stream} ${r.arm} ${Math.round(r.budget! * 100)} % → ${o.batchSizes.map((b) => `b${b} ${out.find((x) => x.runId === r.id && x.batchSize === b)!.speedup.toFixed(2)}×`).join(', ')}`);
  }
  return out;
}
