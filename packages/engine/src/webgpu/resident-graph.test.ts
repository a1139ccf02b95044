// The device-resident graphs' structure: what goes in and out (only the batch and scalars come from the host;
// every state input has its `:next` output), which ops they use (only ops with WebGPU kernels in
// onnxruntime-node 1.30), and the packing that keeps the kernel count low (one dense optimizer update).
import { onnx } from '@driftprune/onnx';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IN, OUT, next } from '../graph/names.js';
import { OPTIMIZERS } from '../optim/index.js';
import { resolveShape } from '../shape.js';
import { denseLayout, packDense, unpackDense } from './layout.js';
import { splitKFor } from './dlrm-tuned.js';
import { BAD_IDS, buildResidentEvalGraph, HOST_OUTPUT, buildResidentTrainGraph, HOST_INPUT, hostChunks, hostInputLength, resolveEmbeddingUpdate, residentLayout, residentStateNames, scalarNames, STATE } from './resident-graph.js';

const shape = resolveShape({ embeddingDim: 4, bottomMlp: [16, 8], topMlp: [16, 8], interaction: 'dot' }, { numDense: 4, tableSizes: [20, 30, 40] });

// Ops with a WebGPU kernel in onnxruntime 1.30 for the types used here (float32; int32 ids; int64 shapes).
// Shape runs on the CPU by design in every EP (its output is a host-side shape), feeding ConstantOfShape.
const WEBGPU_OPS = new Set([
  'Gemm', 'MatMul', 'Add', 'Sub', 'Mul', 'Div', 'Sqrt', 'Relu', 'Greater', 'Where', 'Sigmoid', 'Exp', 'Log', 'Abs', 'Neg',
  'ReduceSum', 'ReduceMean', 'Gather', 'Concat', 'Split', 'Pad', 'Transpose', 'Reshape', 'Unsqueeze', 'Squeeze', 'Identity',
  'Expand', 'ScatterElements', 'Cast', 'ReduceMax', 'Slice',
]);

function decode(bytes: Uint8Array) {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph!;
  return {
    inputs: g.input!.map((v) => v.name!),
    nodes: g.node!,
    outputs: g.output!.map((v) => v.name!),
    ops: g.node!.map((n) => n.opType!),
    count: (op: string) => g.node!.filter((n) => n.opType === op).length,
  };
}

describe('resident training graph', () => {
  for (const kind of ['sgd', 'adagrad', 'adam'] as const) {
    test(`${kind}: state in = state out; the host sends only the batch and the step's scalars (one input when packed)`, () => {
      const optimizer = OPTIMIZERS[kind];
      for (const masked of [false, true])
        for (const taylor of [false, true])
          for (const hostInputs of ['packed', 'separate'] as const)
            for (const formulation of ['tuned', 'plain'] as const) {
              const g = decode(buildResidentTrainGraph({ shape, optimizer, masked, taylor, batch: 64, variant: { hostInputs, formulation } }));
              const state = residentStateNames({ optimizer, masked, taylor });
              assert.equal(state.length, 2 + 2 * optimizer.slots + (masked ? 1 : 0) + (taylor ? 1 : 0));
              const host = hostInputs === 'packed' ? [HOST_INPUT] : [IN.dense, IN.cat, IN.labels, ...scalarNames(optimizer, taylor)];
              assert.deepEqual(new Set(g.inputs), new Set([...state, ...host]));
              // Packed: the loss and the bad-id flag come back as one vector.
              assert.deepEqual(new Set(g.outputs), new Set([...(hostInputs === 'packed' ? [HOST_OUTPUT] : [OUT.loss]), ...state.map(next)]));
              for (const op of g.ops) assert.ok(WEBGPU_OPS.has(op), `op ${op} has no WebGPU kernel`);
            }
    });
  }

  test('one optimizer update covers all dense parameters; the embedding update is sparse (no full-table arithmetic)', () => {
    const g = decode(buildResidentTrainGraph({ shape, optimizer: OPTIMIZERS.adagrad, masked: false, taylor: false, batch: 64, variant: { embeddingUpdate: 'sparse' } }));
    // Adagrad has one Sqrt per update: one for the flat dense vector, one for the gathered embedding rows.
    assert.equal(g.count('Sqrt'), 2);
    // The parameters and the host input arrive in one Split each (+ the dot interaction's backward splits G·Z once).
    assert.equal(g.count('Split'), 2 + 1);
    // Three scatters: the gradient sum, the table and its accumulator; no ConstantOfShape (it would run on the CPU).
    assert.equal(g.count('ScatterElements'), 3);
    assert.equal(g.count('ConstantOfShape'), 0);
  });

  test("the embedding update's 'auto': full-table once a batch touches 1/8 of the rows (never for Adam's lazy update)", () => {
    assert.equal(resolveEmbeddingUpdate('auto', 'adagrad', 106_496, 2_600_000), 'sparse');
    assert.equal(resolveEmbeddingUpdate(undefined, 'adagrad', 851_968, 2_600_000), 'full-table');
    assert.equal(resolveEmbeddingUpdate('auto', 'adam', 851_968, 2_600_000), 'sparse');
    assert.equal(resolveEmbeddingUpdate('sparse', 'sgd', 851_968, 2_600_000), 'sparse');
    const full = decode(buildResidentTrainGraph({ shape, optimizer: OPTIMIZERS.adagrad, masked: false, taylor: false, batch: 64 }));
    assert.equal(full.count('ScatterElements'), 1, 'full-table: only the gradient sum is scattered');
  });

  test('tuned formulation: no transposed Gemm operands, weight gradients split over the batch, widths padded to 4', () => {
    const g = decode(buildResidentTrainGraph({ shape, optimizer: OPTIMIZERS.adagrad, masked: false, taylor: false, batch: 1024 }));
    for (const n of g.nodes.filter((x) => x.opType === 'Gemm')) assert.ok(!(n.attribute ?? []).some((a) => (a.name === 'transA' || a.name === 'transB') && Number(a.i) === 1), 'a Gemm transposes an operand');
    const layout = residentLayout(shape);
    for (const t of layout.tensors.filter((x) => x.kind === 'W')) assert.equal(t.dims[1] % 4, 0, `${t.name} stored ${t.dims}`);
    // 4 dense features → 4; the dot interaction's 4 + 6 = 10 → 12 (top.0's input).
    assert.deepEqual(layout.tensors.find((t) => t.name === 'top.0.W')!.dims, [16, 12]);
    const C = splitKFor(1024, layout.tensors);
    assert.ok(C.every((c) => c >= 1 && 1024 % c === 0 && 1024 / c >= 128));
    assert.ok(C.some((c) => c > 1));
    assert.deepEqual(splitKFor(1001, layout.tensors), C.map(() => 1));
    assert.equal(hostInputLength(shape, 10, 3), 10 * (4 + 3 + 1) + 3);
  });

  test('a long host vector travels in pieces of at most hostChunkBytes, joined on the device', () => {
    for (const [length, maxBytes] of [[1000, 1024], [1023, 1028], [1028, 1028], [5, 1024], [5, Infinity], [1_310_755, 3 * 1024 * 1024], [163_843, 3 * 1024 * 1024]] as const) {
      const pieces = hostChunks(length, maxBytes);
      assert.equal(pieces.reduce((a, c) => a + c.length, 0), length, `${length} / ${maxBytes}`);
      assert.ok(pieces.every((c) => c.length > 0 && c.length * 4 <= maxBytes), `${length} / ${maxBytes}: ${pieces.map((c) => c.length)}`);
      assert.deepEqual(pieces.map((c) => c.name), pieces.map((_, i) => (i === 0 ? HOST_INPUT : `${HOST_INPUT}.${i}`)));
      assert.ok(pieces.slice(0, -1).every((c) => c.length % 4 === 0));
    }
    // By default one input whatever the size (the reference DLRM's host vector at batch 32768: 5.2 MB).
    assert.equal(hostChunks(32768 * 40 + 3).length, 1);
    assert.equal(hostChunks(32768 * 40 + 3, 3 * 1024 * 1024).length, 2);
    const n = hostInputLength(shape, 64, scalarNames(OPTIMIZERS.adagrad, false).length);
    const g = decode(buildResidentTrainGraph({ shape, optimizer: OPTIMIZERS.adagrad, masked: false, taylor: false, batch: 64, variant: { hostChunkBytes: 1024 } }));
    const host = hostChunks(n, 1024).map((c) => c.name);
    assert.ok(host.length >= 2);
    assert.deepEqual(g.inputs.filter((x) => x.startsWith(HOST_INPUT)), host);
    assert.equal(g.count('Concat'), decode(buildResidentTrainGraph({ shape, optimizer: OPTIMIZERS.adagrad, masked: false, taylor: false, batch: 64 })).count('Concat') + 1);
  });

  test("hostOutputs 'separate': the loss and the bad-id flag as two outputs", () => {
    const g = decode(buildResidentTrainGraph({ shape, optimizer: OPTIMIZERS.sgd, masked: false, taylor: false, batch: 64, variant: { hostOutputs: 'separate' } }));
    assert.ok(g.outputs.includes(OUT.loss) && g.outputs.includes(BAD_IDS) && !g.outputs.includes(HOST_OUTPUT));
  });

  test('dot interaction backward: with a padded top input the pair gradients are gathered from dOut (no Pad in the backward)', () => {
    // 4 + 6 = 10 → 12: padded. The forward pads the dense input (4 → 4: none) and the top input once.
    const padded = decode(buildResidentTrainGraph({ shape, optimizer: OPTIMIZERS.sgd, masked: false, taylor: false, batch: 64 }));
    assert.equal(padded.count('Pad'), 1);
    assert.equal(padded.count('Slice'), 1);
    // embeddingDim 4, 5 fields: 4 + 15 = 19 → 20 padded too; embeddingDim 6, 3 fields: 6 + 6 = 12, no pad column.
    const unpaddedShape = resolveShape({ embeddingDim: 6, bottomMlp: [16, 6], topMlp: [8], interaction: 'dot' }, { numDense: 4, tableSizes: [20, 30, 40] });
    const unpadded = decode(buildResidentTrainGraph({ shape: unpaddedShape, optimizer: OPTIMIZERS.sgd, masked: false, taylor: false, batch: 64 }));
    assert.equal(unpadded.count('Slice'), 0);
    assert.equal(unpadded.count('Pad'), 1, 'the zero column for the diagonal');
  });

  test('the evaluation graph takes the batch, the flat parameters and the table', () => {
    const g = decode(buildResidentEvalGraph(shape));
    assert.deepEqual(new Set(g.inputs), new Set([IN.dense, IN.cat, STATE.params, STATE.table]));
    assert.ok(decode(buildResidentEvalGraph(shape, { formulation: 'plain' })).ops.includes('Gemm'));
    assert.deepEqual(new Set(g.outputs), new Set([OUT.logit, OUT.prob]));
    for (const op of g.ops) assert.ok(WEBGPU_OPS.has(op), `op ${op} has no WebGPU kernel`);
  });
});

describe('flat dense layout', () => {
  test('pack → unpack is the identity; offsets are contiguous W then b per layer', () => {
    const layout = denseLayout(shape);
    let offset = 0;
    for (const t of layout.tensors) {
      assert.equal(t.offset, offset);
      offset += t.size;
    }
    assert.equal(layout.size, offset);
    const source = new Map(layout.tensors.map((t) => [t.name, Float32Array.from({ length: t.size }, (_, i) => t.offset + i)]));
    const flat = packDense(layout, (layer, kind) => source.get(`${layer}.${kind}`)!);
    assert.deepEqual(Array.from(flat), Array.from({ length: layout.size }, (_, i) => i));
    for (const [layer, { W, b }] of unpackDense(layout, flat)) {
      assert.deepEqual(W, source.get(`${layer}.W`));
      assert.deepEqual(b, source.get(`${layer}.b`));
    }
    assert.throws(() => packDense(layout, () => new Float32Array(1)), /layout expects/);
  });

  test('pad4: padded storage round-trips and pads stay zero', () => {
    const layout = denseLayout(shape, { pad4: true });
    const source = new Map(layout.tensors.map((t) => [t.name, Float32Array.from({ length: t.logical.reduce((a, b) => a * b, 1) }, (_, i) => 1 + i)]));
    const flat = packDense(layout, (layer, kind) => source.get(`${layer}.${kind}`)!);
    const nonzero = flat.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0);
    assert.equal(nonzero, [...source.values()].reduce((a, v) => a + v.length, 0));
    for (const [layer, { W, b }] of unpackDense(layout, flat)) {
      assert.deepEqual(W, source.get(`${layer}.W`));
      assert.deepEqual(b, source.get(`${layer}.b`));
    }
  });
});
