/** @module presets — the default wiring of the stages, chosen in one place. */
export { createDefaultComponents, createEmbeddingModelFromConfig, createLanguageModelFromConfig, lexicalSettingsFromConfig } from './default-components.js';
