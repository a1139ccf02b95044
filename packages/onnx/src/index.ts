// @driftprune/onnx: a small typed ONNX graph builder and synchronous onnxruntime-node sessions.
export { GraphBuilder, type Dim, type BuildOptions, type TypedArrayOf } from './graph.js';
export { onnx, ELEM_TYPE_CODE, type ElemType, type ModelProto } from './proto.js';
export { OrtSession, Tensor, f32, f64, i32, type SessionOptions, type TensorMap } from './session.js';
