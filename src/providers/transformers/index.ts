/** @module providers/transformers — local ONNX models through transformers.js (optional peer dependency). */
export { createTransformersEmbeddingModel } from './transformers-embedding-model.js';
export type { TransformersEmbeddingSettings } from './transformers-embedding-model.js';
export { createTransformersRerankingModel } from './transformers-reranking-model.js';
export type { TransformersRerankingSettings } from './transformers-reranking-model.js';
