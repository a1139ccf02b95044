// The two-run training step: the forward run yields only what the host reads plus the values the update needs;
// the update run yields every state output; no node is lost or duplicated.
import { onnx } from '@driftprune/onnx';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { next } from '../graph/names.js';
import { OPTIMIZERS } from '../optim/index.js';
import { resolveShape } from '../shape.js';
import { buildResidentTrainGraph, HOST_INPUT, HOST_OUTPUT, residentStateNames, STATE } from './resident-graph.js';
import { splitTrainGraph } from './split-step.js';

const shape = resolveShape({ embeddingDim: 4, bottomMlp: [16, 8], topMlp: [16, 8], interaction: 'dot' }, { numDense: 4, tableSizes: [20, 30, 40] });

test('splitTrainGraph: forward → host output + carried values; update → every state output; nodes partitioned', () => {
  for (const taylor of [false, true]) {
    const spec = { shape, optimizer: OPTIMIZERS.adam, masked: true, taylor, batch: 64 };
    const whole = onnx.ModelProto.decode(buildResidentTrainGraph(spec)).graph!;
    const cut = splitTrainGraph(buildResidentTrainGraph(spec), [HOST_OUTPUT]);
    const f = onnx.ModelProto.decode(cut.forward).graph!;
    const u = onnx.ModelProto.decode(cut.update).graph!;
    assert.equal(f.node!.length + u.node!.length, whole.node!.length);
    assert.deepEqual(f.output!.map((o) => o.name), [HOST_OUTPUT, ...cut.carried]);
    const state = residentStateNames({ optimizer: OPTIMIZERS.adam, masked: true, taylor });
    assert.deepEqual(new Set(u.output!.map((o) => o.name)), new Set(state.map(next)));
    // The forward run reads the batch, the parameters and the table; the optimizer state only the update reads.
    assert.deepEqual(new Set(cut.forwardInputs), new Set([HOST_INPUT, STATE.params, STATE.table]));
    assert.ok(!cut.updateInputs.includes(HOST_INPUT), 'the update takes the batch from the forward run');
    assert.ok(cut.carried.length > 0);
    assert.deepEqual(new Set(u.input!.map((v) => v.name)), new Set([...cut.updateInputs, ...cut.carried]));
    // Carried values are typed (ids int32, the rest float32) so that onnxruntime accepts them as inputs.
    for (const v of u.input!) assert.ok(v.type?.tensorType?.elemType, `${v.name} has an element type`);
  }
});
