/**
 * @module providers — adapters implementing the `models/` specifications. Nothing above `models/`
 * needs to know which one it talks to. The local adapters import their runtimes lazily, so importing
 * this barrel loads neither node-llama-cpp nor transformers.js.
 */
export { createOpenAICompatibleEmbeddingModel } from './openai-compatible/index.js';
export type { OpenAICompatibleEmbeddingSettings } from './openai-compatible/index.js';
export { createLlamaCppEmbeddingModel } from './llama-cpp/index.js';
export type { LlamaCppEmbeddingSettings } from './llama-cpp/index.js';
export { createTransformersEmbeddingModel } from './transformers/index.js';
export type { TransformersEmbeddingSettings } from './transformers/index.js';
export { createOpenAICompatibleChatModel } from './openai-compatible/index.js';
export type { OpenAICompatibleChatSettings } from './openai-compatible/index.js';
export { createLlamaCppChatModel } from './llama-cpp/index.js';
export type { LlamaCppChatSettings } from './llama-cpp/index.js';
export { loadLlamaCppTokenizer } from './llama-cpp/index.js';
export type { LlamaCppTokenizer } from './llama-cpp/index.js';
export { createTransformersRerankingModel } from './transformers/index.js';
export type { TransformersRerankingSettings } from './transformers/index.js';
export { createHttpRerankingModel } from './http-reranker/index.js';
export type { HttpRerankingSettings, RerankRequestFormat } from './http-reranker/index.js';
