/** @module providers/http-reranker — the `/rerank` HTTP API of Cohere, Jina, Text Embeddings Inference and vLLM, in one adapter. */
export { createHttpRerankingModel } from './http-reranking-model.js';
export type { HttpRerankingSettings, RerankRequestFormat } from './http-reranking-model.js';
