// Which backend a trainer gets: 'cpu' always works; 'webgpu' needs an adapter (an error says why when there is
// none); 'auto' takes the GPU when one answers and otherwise the CPU, saying so in one log line.
import type { Device } from '../api.js';
import { EngineError } from '../errors.js';
import { probeWebGpu } from './probe.js';

let provider: 'webgpu' | 'cpu' = 'webgpu';

/**
 * Where device 'webgpu' (and 'auto') runs its graphs: 'webgpu', the GPU (default), or 'cpu': the device-resident
 * trainer with the very same graphs and state handling on onnxruntime's CPU provider, no adapter needed. That is
 * how whole runs on the webgpu device are checked on machines without a GPU (scripts/gpu/cross-check.ts --dry-run
 * and its test); never a fallback for users, who get 'auto' for that.
 */
export function setWebGpuDeviceProvider(p: 'webgpu' | 'cpu'): void {
  if (p !== 'webgpu' && p !== 'cpu') throw new EngineError('BAD_DEVICE', `the webgpu device's provider must be 'webgpu' or 'cpu', got '${String(p)}'`);
  provider = p;
}

export function webGpuDeviceProvider(): 'webgpu' | 'cpu' {
  return provider;
}

export function resolveDevice(device: Device | undefined, log: (line: string) => void = (l) => console.warn(l)): 'cpu' | 'webgpu' {
  const d = device ?? 'cpu';
  if (d === 'cpu') return 'cpu';
  if (d !== 'webgpu' && d !== 'auto') throw new EngineError('BAD_DEVICE', `unknown device '${String(d)}': use 'cpu', 'webgpu' or 'auto'`);
  if (provider === 'cpu') return 'webgpu';
  const p = probeWebGpu();
  if (p.available) return 'webgpu';
  if (d === 'webgpu') throw new EngineError('BAD_DEVICE', `device 'webgpu' asked for, but no WebGPU adapter was found (${p.reason}); use device 'auto' to fall back to the CPU`);
  log(`engine: no WebGPU adapter found (${p.reason}); device 'auto' falls back to the CPU`);
  return 'cpu';
}
