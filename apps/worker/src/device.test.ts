// Backend selection: cpu never probes; webgpu and auto take the GPU when an adapter answers, else the CPU with a log line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probeWebGpu } from '@driftprune/engine';
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

test('the real probe: this machine either has an adapter or the worker falls back to cpu', () => {
  const p = probeWebGpu();
  const lines: string[] = [];
  assert.equal(selectBackend('auto', (m) => lines.push(m)), p.available ? 'webgpu' : 'cpu');
  assert.equal(lines.length, 1);
});
