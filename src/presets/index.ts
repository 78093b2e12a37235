/** @module presets — the default wiring of the stages, chosen in one place. */
export { createDefaultComponents, createEmbeddingModelFromConfig, createLanguageModelFromConfig, INTERACTIVE_MODEL_TIMEOUTS, type LanguageModelCallerOptions } from './default-components.js';
export { createRerankingModelFromConfig, createRerankingSearchOptions, rerankerFromModel, RERANK_CHOICES, type ModelReranker, type RerankChoice } from './default-components.js';
