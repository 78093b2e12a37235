/** @module models — model specifications (what providers implement), their errors, and embedMany. */
export type { EmbeddingModel } from './embedding-model.js';
