/** @module providers/openai-compatible — adapters for OpenAI-compatible HTTP endpoints. */
export { createOpenAICompatibleEmbeddingModel } from './openai-compatible-embedding-model.js';
export type { OpenAICompatibleEmbeddingSettings } from './openai-compatible-embedding-model.js';
export { createOpenAICompatibleChatModel } from './openai-compatible-chat-model.js';
export type { OpenAICompatibleChatSettings } from './openai-compatible-chat-model.js';
