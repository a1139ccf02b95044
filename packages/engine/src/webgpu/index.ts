// The engine's `webgpu` device: the device-resident trainer, its graphs, and adapter detection.
export { createResidentTrainer, type ResidentTrainer, type ResidentTrainerOptions } from './trainer.js';
export { buildResidentTrainGraph, buildResidentEvalGraph, residentStateNames, STATE as RESIDENT_STATE, type ResidentGraphSpec } from './resident-graph.js';
export { denseLayout, packDense, unpackDense, type DenseLayout } from './layout.js';
export { probeWebGpu, type WebGpuProbe } from './probe.js';
export { resolveDevice, setWebGpuDeviceProvider, webGpuDeviceProvider } from './select.js';
