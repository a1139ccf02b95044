// Checkpoint format: "DPCKPT1\n", a uint32 (little-endian) header length, a JSON header, zero padding to a
// multiple of 4, then the float32 arrays the header lists, in order. Everything that affects the next step is in
// it (weights, masks, optimizer state and step, Taylor scores), so a restored trainer gives the same next loss.
import type { OptimizerConfig } from '@driftprune/config';
import type { OptimizerState } from './api.js';
import { EngineError } from './errors.js';
import type { DenseLayer, LayerScores, ModelParams } from './types.js';

const MAGIC = 'DPCKPT1\n';

export interface CheckpointData {
  params: ModelParams;
  optimizer: OptimizerConfig;
  state: OptimizerState;
  taylorDecay?: number;
  scores: LayerScores;
}

interface Header {
  version: 1;
  shape: ModelParams['shape'];
  layers: { name: string; inDim: number; outDim: number; masked: boolean }[];
  nBottom: number;
  optimizer: OptimizerConfig;
  optimizerKind: OptimizerState['kind'];
  step: number;
  taylorDecay: number | null;
  arrays: { key: string; length: number }[];
}

export function encodeCheckpoint(c: CheckpointData): Uint8Array {
  const arrays: { key: string; data: Float32Array }[] = [];
  const layers = [...c.params.bottom, ...c.params.top];
  for (const l of layers) {
    arrays.push({ key: `${l.name}.W`, data: l.W }, { key: `${l.name}.b`, data: l.b });
    if (l.mask) arrays.push({ key: `${l.name}.mask`, data: l.mask });
    const st = c.state.layers[l.name];
    st?.W.forEach((a, s) => arrays.push({ key: `${l.name}.W.s${s}`, data: a }));
    st?.b.forEach((a, s) => arrays.push({ key: `${l.name}.b.s${s}`, data: a }));
    if (c.scores[l.name]) arrays.push({ key: `${l.name}.score`, data: c.scores[l.name] });
  }
  arrays.push({ key: 'embeddings', data: c.params.embeddings });
  c.state.embeddings.forEach((a, s) => arrays.push({ key: `embeddings.s${s}`, data: a }));
  const header: Header = {
    version: 1,
    shape: c.params.shape,
    layers: layers.map((l) => ({ name: l.name, inDim: l.inDim, outDim: l.outDim, masked: !!l.mask })),
    nBottom: c.params.bottom.length,
    optimizer: c.optimizer,
    optimizerKind: c.state.kind,
    step: c.state.step,
    taylorDecay: c.taylorDecay ?? null,
    arrays: arrays.map((a) => ({ key: a.key, length: a.data.length })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((MAGIC.length + 4 + json.length) / 4) * 4;
  const total = start + arrays.reduce((n, a) => n + a.data.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
  out.set(json, MAGIC.length + 4);
  let o = start;
  for (const a of arrays) {
    out.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), o);
    o += a.data.byteLength;
  }
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array): CheckpointData {
  const bad = (msg: string): never => {
    throw new EngineError('BAD_CHECKPOINT', msg);
  };
  if (bytes.length < MAGIC.length + 4 || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) bad('not a driftprune checkpoint (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + n > bytes.length) bad('checkpoint header is truncated');
  let h: Header;
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + n)));
  } catch {
    return bad('checkpoint header is not valid JSON');
  }
  if (h.version !== 1) bad(`checkpoint version ${h.version} is not supported (expected 1)`);
  let o = Math.ceil((MAGIC.length + 4 + n) / 4) * 4;
  const arrays = new Map<string, Float32Array>();
  for (const a of h.arrays) {
    const end = o + a.length * 4;
    if (end > bytes.length) bad(`checkpoint is truncated in array ${a.key}`);
    // Copy into an aligned buffer: the input may sit at any byte offset.
    arrays.set(a.key, new Float32Array(bytes.slice(o, end).buffer));
    o = end;
  }
  const get = (k: string) => arrays.get(k) ?? bad(`checkpoint lacks array ${k}`);
  const slots = (prefix: string) => {
    const out: Float32Array[] = [];
    for (let s = 0; arrays.has(`${prefix}.s${s}`); s++) out.push(arrays.get(`${prefix}.s${s}`)!);
    return out;
  };
  const layers: DenseLayer[] = h.layers.map((l) => ({
    name: l.name,
    inDim: l.inDim,
    outDim: l.outDim,
    W: get(`${l.name}.W`),
    b: get(`${l.name}.b`),
    ...(l.masked ? { mask: get(`${l.name}.mask`) } : {}),
  }));
  const state: OptimizerState = { kind: h.optimizerKind, step: h.step, layers: {}, embeddings: slots('embeddings') };
  const scores: LayerScores = {};
  for (const l of h.layers) {
    state.layers[l.name] = { W: slots(`${l.name}.W`), b: slots(`${l.name}.b`) };
    if (arrays.has(`${l.name}.score`)) scores[l.name] = arrays.get(`${l.name}.score`)!;
  }
  return {
    params: { shape: h.shape, bottom: layers.slice(0, h.nBottom), top: layers.slice(h.nBottom), embeddings: get('embeddings') },
    optimizer: h.optimizer,
    state,
    taylorDecay: h.taylorDecay ?? undefined,
    scores,
  };
}
