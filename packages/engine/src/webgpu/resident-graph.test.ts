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
import { buildResidentEvalGraph, buildResidentTrainGraph, residentStateNames, STATE } from './resident-graph.js';

const shape = resolveShape({ embeddingDim: 4, bottomMlp: [16, 8], topMlp: [16, 8], interaction: 'dot' }, { numDense: 4, tableSizes: [20, 30, 40] });

// Ops with a WebGPU kernel in onnxruntime 1.30 for the types used here (float32; int32 ids; int64 shapes).
// Shape runs on the CPU by design in every EP (its output is a host-side shape), feeding ConstantOfShape.
const WEBGPU_OPS = new Set([
  'Gemm', 'MatMul', 'Add', 'Sub', 'Mul', 'Div', 'Sqrt', 'Relu', 'Greater', 'Where', 'Sigmoid', 'Exp', 'Log', 'Abs', 'Neg',
  'ReduceSum', 'ReduceMean', 'Gather', 'Concat', 'Split', 'Pad', 'Transpose', 'Reshape', 'Unsqueeze', 'Squeeze', 'Identity',
  'Expand', 'ConstantOfShape', 'ScatterElements', 'Shape',
]);

function decode(bytes: Uint8Array) {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph!;
  return {
    inputs: g.input!.map((v) => v.name!),
    outputs: g.output!.map((v) => v.name!),
    ops: g.node!.map((n) => n.opType!),
    count: (op: string) => g.node!.filter((n) => n.opType === op).length,
  };
}

describe('resident training graph', () => {
  for (const kind of ['sgd', 'adagrad', 'adam'] as const) {
    test(`${kind}: state in = state out, the host sends only the batch and scalars`, () => {
      const optimizer = OPTIMIZERS[kind];
      for (const masked of [false, true])
        for (const taylor of [false, true]) {
          const g = decode(buildResidentTrainGraph({ shape, optimizer, masked, taylor }));
          const state = residentStateNames({ optimizer, masked, taylor });
          assert.equal(state.length, 2 + 2 * optimizer.slots + (masked ? 1 : 0) + (taylor ? 1 : 0));
          const host = [IN.dense, IN.cat, IN.labels, IN.invBatch, ...optimizer.scalars, ...(taylor ? [IN.taylorDecay, IN.taylorKeep] : [])];
          assert.deepEqual(new Set(g.inputs), new Set([...state, ...host]));
          assert.deepEqual(new Set(g.outputs), new Set([OUT.loss, ...state.map(next)]));
          for (const op of g.ops) assert.ok(WEBGPU_OPS.has(op), `op ${op} has no WebGPU kernel`);
        }
    });
  }

  test('one optimizer update covers all dense parameters; the embedding update is sparse (no full-table arithmetic)', () => {
    const g = decode(buildResidentTrainGraph({ shape, optimizer: OPTIMIZERS.adagrad, masked: false, taylor: false }));
    // Adagrad has one Sqrt per update: one for the flat dense vector, one for the gathered embedding rows.
    assert.equal(g.count('Sqrt'), 2);
    // Dense parameters arrive in one Split and their gradients leave in one Concat (plus the interaction's Concats).
    assert.equal(g.count('Split'), 1 + 2 /* the dot interaction's backward splits twice */);
    // Three scatters: the gradient sum, the table and its accumulator.
    assert.equal(g.count('ScatterElements'), 3);
    assert.equal(g.count('ConstantOfShape'), 1);
  });

  test('the evaluation graph takes the batch, the flat parameters and the table', () => {
    const g = decode(buildResidentEvalGraph(shape));
    assert.deepEqual(new Set(g.inputs), new Set([IN.dense, IN.cat, STATE.params, STATE.table]));
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
});
