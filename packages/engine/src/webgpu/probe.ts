// Is a WebGPU adapter there? onnxruntime's WebGPU execution provider (Dawn → Vulkan on Linux) fails at session
// creation when no adapter is found; a one-node session tells us once per process, and the answer is cached.
import { GraphBuilder, OrtSession, f32 } from '@driftprune/onnx';

export interface WebGpuProbe {
  available: boolean;
  /** Why not, when it is not (onnxruntime's message, first line). */
  reason?: string;
  /** Milliseconds the probe took (adapter and device creation included). */
  ms: number;
}

let cached: WebGpuProbe | undefined;

export function probeWebGpu(): WebGpuProbe {
  if (cached) return cached;
  const t0 = performance.now();
  const g = new GraphBuilder('webgpu_probe');
  g.output(g.relu(g.input('x', [4])), 'y', [4]);
  try {
    const s = new OrtSession(g.build(), { executionProviders: ['webgpu'] });
    const y = s.run({ x: f32(new Float32Array([1, -2, 3, -4]), [4]) }, { y: null }).y.data as Float32Array;
    s.dispose();
    if (y[0] !== 1 || y[1] !== 0 || y[2] !== 3 || y[3] !== 0) cached = { available: false, reason: `the probe graph computed relu([1,-2,3,-4]) = [${Array.from(y)}]`, ms: performance.now() - t0 };
    else cached = { available: true, ms: performance.now() - t0 };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const why = msg.split('\n')[0].replace(/^.*?(Failed to get a WebGPU adapter.*)$/, '$1');
    cached = { available: false, reason: why, ms: performance.now() - t0 };
  }
  return cached;
}

/** For tests: forget the cached answer, or pin it. */
export function setWebGpuProbeForTesting(p: WebGpuProbe | undefined): void {
  cached = p;
}
