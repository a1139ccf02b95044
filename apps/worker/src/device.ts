// Which engine backend this worker serves (DRIFTPRUNE_DEVICE=cpu|webgpu|auto). `webgpu` and `auto` need a WebGPU
// adapter (onnxruntime's WebGPU execution provider: Dawn → Vulkan); without one the worker serves the CPU queue
// and says why in one log line, so a GPU host with a broken driver still does useful work. The backend is stored
// in the worker's row (which its heartbeat keeps fresh) and decides which run queues it consumes.
import { probeWebGpu, type WebGpuProbe } from '@driftprune/engine';
import type { Env } from '@driftprune/config';
import type { Backend } from '@driftprune/runs';

export function selectBackend(device: Env['DRIFTPRUNE_DEVICE'], log: (msg: string) => void, probe: () => WebGpuProbe = probeWebGpu): Backend {
  if (device === 'cpu') return 'cpu';
  const p = probe();
  if (p.available) {
    log(`WebGPU adapter found (${p.ms.toFixed(0)} ms): backend webgpu (DRIFTPRUNE_DEVICE=${device})`);
    return 'webgpu';
  }
  log(`no WebGPU adapter found (${p.reason}); DRIFTPRUNE_DEVICE=${device} falls back to the CPU backend`);
  return 'cpu';
}
