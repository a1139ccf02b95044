// Layers: each file holds one layer's forward and backward as ONNX nodes, checkable on its own.
export * from './linear.js';
export * from './relu.js';
export * from './dot-interaction.js';
export * from './cat-interaction.js';
export * from './bce.js';
export * from './embedding.js';
