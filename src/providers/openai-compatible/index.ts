/** @module providers/openai-compatible — adapters for OpenAI-compatible HTTP endpoints. */
export { createOpenAICompatibleEmbeddingModel } from './openai-compatible-embedding-model.js';
export type { OpenAICompatibleEmbeddingSettings } from './openai-compatible-embedding-model.js';
