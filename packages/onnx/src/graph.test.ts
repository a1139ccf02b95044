// The graph builder and the synchronous session: ops compute what ONNX says, names never collide, outputs can be
// preallocated and are written in place, attributes (Gemm's transA/transB/alpha) reach onnxruntime.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GraphBuilder } from './graph.js';
import { f32, f64, i32, OrtSession } from './session.js';

describe('GraphBuilder + OrtSession', () => {
  test('Gemm with transA/transB/alpha and a bias, written into a preallocated output', () => {
    const g = new GraphBuilder('gemm');
    const a = g.input('a', [3, 2]); // used transposed: [2, 3]
    const b = g.input('b', [4, 3]); // used transposed: [3, 4]
    const c = g.input('c', [4]);
    g.output(g.gemm(a, b, c, { transA: true, transB: true, alpha: 2 }), 'y', [2, 4]);
    const s = new OrtSession(g.build(), { threads: 1 });
    const A = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const B = Float32Array.from({ length: 12 }, (_, i) => i - 5);
    const C = Float32Array.from([0.5, -0.5, 1, 0]);
    const out = new Float32Array(8);
    s.run({ a: f32(A, [3, 2]), b: f32(B, [4, 3]), c: f32(C, [4]) }, { y: f32(out, [2, 4]) });
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 4; j++) {
        let acc = 0;
        for (let k = 0; k < 3; k++) acc += A[k * 2 + i] * B[j * 3 + k];
        assert.equal(out[i * 4 + j], 2 * acc + C[j]);
      }
    s.dispose();
    assert.throws(() => s.run({}, {}), /disposed/);
  });

  test('shape ops, reductions, Where/Greater, Gather on both axes, Split/Pad, float64', () => {
    const g = new GraphBuilder('misc', 'float64');
    const x = g.input('x', ['N', 3]);
    const idx = g.input('idx', [2], 'int32');
    const [l, r] = g.split(x, [1, 2], 1);
    const zero = g.scalar(0);
    g.output(g.reduceSum(x, [0]), 'colsum', [3]);
    g.output(g.reduceMean(x, [0, 1]), 'mean', []);
    g.output(g.where(g.greater(x, zero), x, zero), 'relu', ['N', 3]);
    g.output(g.gather(x, idx, 1), 'cols', ['N', 2]);
    g.output(g.pad(l, [0, 0, 1, 0]), 'padded', ['M', 1]);
    g.output(g.reshape(g.transpose(r, [1, 0]), [-1]), 'flat', ['K']);
    g.output(g.squeeze(g.unsqueeze(g.sqrt(g.abs(x)), [0]), [0]), 'sq', ['N', 3]);
    const s = new OrtSession(g.build(), { threads: 1 });
    const X = Float64Array.from([1, -2, 3, -4, 5, -6]);
    const o = s.run({ x: f64(X, [2, 3]), idx: i32(Int32Array.from([2, 0]), [2]) }, Object.fromEntries(s.outputNames.map((n) => [n, null])));
    assert.deepEqual(Array.from(o.colsum.data as Float64Array), [-3, 3, -3]);
    assert.equal((o.mean.data as Float64Array)[0], -0.5);
    assert.deepEqual(Array.from(o.relu.data as Float64Array), [1, 0, 3, 0, 5, 0]);
    assert.deepEqual(Array.from(o.cols.data as Float64Array), [3, 1, -6, -4]);
    assert.deepEqual(Array.from(o.padded.data as Float64Array), [1, -4, 0]);
    assert.deepEqual(Array.from(o.flat.data as Float64Array), [-2, 5, 3, -6]);
    assert.deepEqual(Array.from(o.sq.data as Float64Array), Array.from(X, (v) => Math.sqrt(Math.abs(v))));
    s.dispose();
  });

  test('fresh names never collide with declared ones; a duplicate declared name is an error', () => {
    const g = new GraphBuilder('names');
    const x = g.input('x', [1]);
    const names = new Set([x]);
    for (let i = 0; i < 50; i++) for (const n of g.node('Identity', [x])) names.add(n);
    assert.equal(names.size, 51);
    assert.throws(() => g.input('x', [1]), /already used/);
  });

  test('outputs rename computed values in place (no Identity copy); later readers follow the rename', () => {
    const g = new GraphBuilder('rename');
    const x = g.input('x', [2]);
    const y = g.relu(x);
    g.output(y, 'y', [2]);
    g.output(g.neg(y), 'z', [2]); // reads y after the rename
    g.output(x, 'x_copy', [2]); // an input needs an Identity
    assert.deepEqual(g.nodes.map((n) => n.opType), ['Relu', 'Neg', 'Identity']);
    const s = new OrtSession(g.build(), { threads: 1 });
    const o = s.run({ x: f32(Float32Array.from([-1, 2]), [2]) }, { y: null, z: null, x_copy: null });
    assert.deepEqual(Array.from(o.y.data as Float32Array), [0, 2]);
    assert.deepEqual(Array.from(o.z.data as Float32Array), [-0, -2]);
    assert.deepEqual(Array.from(o.x_copy.data as Float32Array), [-1, 2]);
    s.dispose();
  });

  test('invalid thread counts are rejected', () => {
    const g = new GraphBuilder('t');
    g.output(g.identity(g.input('x', [1])), 'y', [1]);
    assert.throws(() => new OrtSession(g.build(), { threads: -1 }), /threads must be an integer/);
  });
});
