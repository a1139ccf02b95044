// The optional tfjs engine: gradients from tfjs autodiff (wasm backend, or tfjs-node when installed), updates by
// the same JS optimizer code the ONNX engine uses for embedding rows (dense layers are updated as "all rows").
// Much slower than the ONNX engine (≈650 samples/s at the reference size on wasm); its use is cross-checking.
import type { OptimizerConfig } from '@driftprune/config';
import type { Batch } from '@driftprune/data';
import { EngineError } from '../errors.js';
import { initParams, cloneParams } from '../init.js';
import { gatherRows, RowGradCoalescer } from '../layers/embedding.js';
import { resolveOptimizer } from '../optim/index.js';
import { validateParams } from '../params.js';
import { tableOffsets } from '../shape.js';
import type { DlrmShape, ModelParams } from '../types.js';
import { loadTf, tfDlrmGradients } from './tfjs.js';

export interface TfjsTrainer {
  readonly backend: string;
  trainStep(batch: Batch): number;
  getParams(): ModelParams;
}

export async function createTfjsTrainer(o: { params?: ModelParams; shape?: DlrmShape; seed?: number; optimizer?: Partial<OptimizerConfig> }): Promise<TfjsTrainer> {
  const { tf, backend } = await loadTf();
  const { config, optimizer } = resolveOptimizer(o.optimizer);
  const params = o.params ? cloneParams(o.params) : o.shape ? initParams(o.shape, o.seed ?? 1) : undefined;
  if (!params) throw new EngineError('BAD_PARAMS', 'createTfjsTrainer needs `params` or `shape`');
  validateParams(params);
  const shape = params.shape;
  const layers = [...params.bottom, ...params.top];
  const init = optimizer.initialState(config);
  const fill = (n: number, v: number) => new Float32Array(n).fill(v);
  const wState = layers.map((l) => init.map((v) => fill(l.W.length, v)));
  const bState = layers.map((l) => init.map((v) => fill(l.b.length, v)));
  const embState = init.map((v) => fill(params.embeddings.length, v));
  const D = shape.embeddingDim;
  const F = shape.tableSizes.length;
  const offsets = tableOffsets(shape);
  const coalescer = new RowGradCoalescer(D);
  let step = 0;
  const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

  return {
    backend,
    trainStep(batch) {
      const B = batch.size;
      const emb = new Float32Array(B * F * D);
      gatherRows(params.embeddings, D, offsets, batch.cat, B, emb);
      const g = tfDlrmGradients(tf, shape, layers, batch.dense, emb, batch.labels, B);
      const t = ++step;
      layers.forEach((l, i) => {
        const dW = l.mask ? g.dW[i].map((v, k) => v * l.mask![k]) : g.dW[i];
        optimizer.sparseUpdate(config, t, l.W, wState[i], l.inDim, allRows(l.outDim), dW, l.outDim);
        if (l.mask) for (let k = 0; k < l.W.length; k++) l.W[k] *= l.mask[k];
        optimizer.sparseUpdate(config, t, l.b, bState[i], 1, allRows(l.outDim), g.db[i], l.outDim);
      });
      coalescer.coalesce(offsets, batch.cat, B, g.dEmb);
      optimizer.sparseUpdate(config, t, params.embeddings, embState, D, coalescer.rows, coalescer.grads, coalescer.count);
      return g.loss;
    },
    getParams: () => cloneParams(params),
  };
}
