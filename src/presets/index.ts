/** @module presets — the default wiring of the stages, chosen in one place. */
export { createDefaultComponents, createEmbeddingModelFromConfig, createLanguageModelFromConfig } from './default-components.js';
