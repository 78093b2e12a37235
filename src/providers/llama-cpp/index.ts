/** @module providers/llama-cpp — in-process GGUF models through node-llama-cpp (optional peer dependency). */
export { createLlamaCppEmbeddingModel } from './llama-cpp-embedding-model.js';
export type { LlamaCppEmbeddingSettings } from './llama-cpp-embedding-model.js';
export { createLlamaCppChatModel } from './llama-cpp-chat-model.js';
export type { LlamaCppChatSettings } from './llama-cpp-chat-model.js';
export { loadLlamaCppTokenizer } from './llama-cpp-tokenizer.js';
export type { LlamaCppTokenizer } from './llama-cpp-tokenizer.js';
