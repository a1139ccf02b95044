// Checking ModelParams against their own shape before the engine trusts them.
import { EngineError } from './errors.js';
import { layerNames, validateShape } from './shape.js';
import type { DenseLayer, ModelParams } from './types.js';

export function validateParams(p: ModelParams): void {
  const bad = (msg: string): never => {
    throw new EngineError('BAD_PARAMS', msg);
  };
  if (!p || !p.shape) bad('params.shape is missing');
  validateShape(p.shape);
  const s = p.shape;
  const names = layerNames(s);
  const layers: DenseLayer[] = [...(p.bottom ?? []), ...(p.top ?? [])];
  if (p.bottom?.length !== s.bottom.length - 1) bad(`params.bottom has ${p.bottom?.length} layers; shape.bottom ${JSON.stringify(s.bottom)} needs ${s.bottom.length - 1}`);
  if (p.top?.length !== s.top.length - 1) bad(`params.top has ${p.top?.length} layers; shape.top ${JSON.stringify(s.top)} needs ${s.top.length - 1}`);
  const dims = [...s.bottom.slice(1).map((o, i) => [s.bottom[i], o]), ...s.top.slice(1).map((o, i) => [s.top[i], o])];
  layers.forEach((l, i) => {
    const [inDim, outDim] = dims[i];
    if (l.name !== names[i]) bad(`layer ${i} is named '${l.name}'; expected '${names[i]}'`);
    if (l.inDim !== inDim || l.outDim !== outDim) bad(`layer ${l.name} is ${l.outDim}×${l.inDim} but the shape says ${outDim}×${inDim}`);
    if (!(l.W instanceof Float32Array) || l.W.length !== inDim * outDim) bad(`layer ${l.name}: W must be a Float32Array of ${outDim}×${inDim} = ${inDim * outDim} values, got ${l.W?.length}`);
    if (!(l.b instanceof Float32Array) || l.b.length !== outDim) bad(`layer ${l.name}: b must be a Float32Array of ${outDim} values, got ${l.b?.length}`);
    if (l.mask !== undefined && (!(l.mask instanceof Float32Array) || l.mask.length !== l.W.length))
      bad(`layer ${l.name}: mask must be a Float32Array shaped like W (${l.W.length} values), got ${l.mask?.length}`);
  });
  const rows = s.tableSizes.reduce((a, b) => a + b, 0);
  if (!(p.embeddings instanceof Float32Array) || p.embeddings.length !== rows * s.embeddingDim)
    bad(`embeddings must be a Float32Array of sum(tableSizes)×embeddingDim = ${rows * s.embeddingDim} values, got ${p.embeddings?.length}`);
}
