/** @module presets — the default wiring of the stages, chosen in one place. */
export { createDefaultComponents, createEmbeddingModelFromConfig } from './default-components.js';
