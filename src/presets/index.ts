/** @module presets — the default wiring of the stages, chosen in one place. */
export { createDefaultComponents, createEmbeddingModelFromConfig, createVectorStoreConnectorFromConfig, createLanguageModelFromConfig, INTERACTIVE_MODEL_TIMEOUTS, type LanguageModelCallerOptions } from './default-components.js';
export { createRerankingModelFromConfig, createRerankingSearchOptions, rerankerFromModel, RERANK_CHOICES, type ModelReranker, type RerankChoice } from './default-components.js';
export { answeringIdentity, describeReranking, openAnswering, type Answering, type OpenAnsweringOptions } from './open-answering.js';
export { requireChatModel } from './require-chat-model.js';
export { modelSource } from './model-source.js';
