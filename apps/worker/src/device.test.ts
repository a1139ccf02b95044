// Backend selection: cpu never probes; webgpu and auto take the GPU when an adapter answers, else the CPU with a log line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphBuilder } from '@driftprune/onnx';
import { selectBackend } from './device.js';

const none = () => ({ available: false, reason: 'Failed to get a WebGPU adapter: No supported adapters', ms: 3 });
const gpu = () => ({ available: true, ms: 700 });

test('cpu never probes; webgpu/auto follow the adapter, falling back with one clear log line', () => {
  const lines: string[] = [];
  const log = (m: string) => lines.push(m);
  assert.equal(selectBackend('cpu', log, () => assert.fail('cpu must not probe')), 'cpu');
  assert.equal(lines.length, 0);
  for (const device of ['webgpu', 'auto'] as const) {
    lines.length = 0;
    assert.equal(selectBackend(device, log, none), 'cpu');
    assert.deepEqual(lines, [`no WebGPU adapter found (Failed to get a WebGPU adapter: No supported adapters); DRIFTPRUNE_DEVICE=${device} falls back to the CPU backend`]);
    lines.length = 0;
    assert.equal(selectBackend(device, log, gpu), 'webgpu');
    assert.match(lines[0], /WebGPU adapter found/);
  }
});

test('the real probe: the worker serves webgpu exactly when onnxruntime-node itself opens a WebGPU session here', async () => {
  // The oracle is onnxruntime-node's public API on a one-node model, not probeWebGpu (the code under test), so a
  // probe that wrongly reports "no adapter" (or a false adapter) on this machine fails here.
  const ort = await import('onnxruntime-node');
  const g = new GraphBuilder('oracle');
  g.output(g.relu(g.input('x', [4])), 'y', [4]);
  let opens: boolean;
  try {
    const session = await ort.InferenceSession.create(g.build(), { executionProviders: ['webgpu'] });
    const y = (await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, -2, 3, -4]), [4]) })).y.data as Float32Array;
    opens = Array.from(y).join(',') === '1,0,3,0';
    await session.release();
  } catch {
    opens = false;
  }
  const lines: string[] = [];
  assert.equal(selectBackend('auto', (m) => lines.push(m)), opens ? 'webgpu' : 'cpu');
  assert.equal(lines.length, 1);
});
