// Which backend a trainer gets: 'cpu' always works; 'webgpu' needs an adapter (an error says why when there is
// none); 'auto' takes the GPU when one answers and otherwise the CPU, saying so in one log line.
import type { Device } from '../api.js';
import { EngineError } from '../errors.js';
import { probeWebGpu } from './probe.js';

export function resolveDevice(device: Device | undefined, log: (line: string) => void = (l) => console.warn(l)): 'cpu' | 'webgpu' {
  const d = device ?? 'cpu';
  if (d === 'cpu') return 'cpu';
  if (d !== 'webgpu' && d !== 'auto') throw new EngineError('BAD_DEVICE', `unknown device '${String(d)}': use 'cpu', 'webgpu' or 'auto'`);
  const p = probeWebGpu();
  if (p.available) return 'webgpu';
  if (d === 'webgpu') throw new EngineError('BAD_DEVICE', `device 'webgpu' asked for, but no WebGPU adapter was found (${p.reason}); use device 'auto' to fall back to the CPU`);
  log(`engine: no WebGPU adapter found (${p.reason}); device 'auto' falls back to the CPU`);
  return 'cpu';
}
