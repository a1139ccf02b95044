// @driftprune/engine: DLRM training as generated ONNX graphs run by onnxruntime-node on CPU.
//
//   const shape = resolveShape(config.model, stream.schema-ish { numDense, tableSizes });
//   const trainer = createTrainer({ shape, seed: config.seed, optimizer: config.optimizer, threads: 2 });
//   for await (const batch of window.batches()) trainer.trainStep(batch);   // mean loss of the batch, synchronous
//   const p = trainer.predict(batch);                                      // probabilities
//   const pruned = prune(trainer.getParams(), …);                          // any widths, masks allowed
//   const sparse = createTrainer({ params: pruned, optimizer, optimizerState: trainer.getOptimizerState() });
//   writeFileSync('serving.onnx', sparse.exportServingModel());
//
// See README.md for the design (one session.run per step, ping-pong state buffers, sparse embedding updates in JS).
export type { DenseLayer, DlrmShape, LayerScores, ModelParams } from './types.js';
export type { Device, OptimizerState, Trainer, TrainerOptions } from './api.js';
export { createTrainer } from './trainer.js';
export { createGradientProbe, type GradientProbe } from './gradient-probe.js';
export { createResidentTrainer, probeWebGpu, resolveDevice, setWebGpuDeviceProvider, webGpuDeviceProvider, type ResidentTrainer, type ResidentTrainerOptions, type WebGpuProbe } from './webgpu/index.js';
export { EngineError, type EngineErrorCode } from './errors.js';
export { resolveShape, validateShape, interactionWidth, layerNames, flopsPerSample, paramCount, embeddingParamCount, tableOffsets, type InputSchema } from './shape.js';
export { initParams, cloneParams } from './init.js';
export { validateParams } from './params.js';
export { resolveOptimizer, OPTIMIZERS, type Optimizer, type OptimizerKind } from './optim/index.js';
export { buildServingModel, buildPredictGraph } from './graph/forward-graph.js';
export { buildTrainGraph } from './graph/train-graph.js';
export { encodeCheckpoint, decodeCheckpoint, type CheckpointData } from './checkpoint.js';
export { loadTf, tfDlrmGradients } from './oracle/tfjs.js';
export { createTfjsTrainer, type TfjsTrainer } from './oracle/tfjs-trainer.js';
