/** @module config — settings, their defaults, and a loader that records where each value came from. */
export { DEFAULT_CONFIG, type HangjiaConfig, type EmbeddingProviderName, type SearchMode } from './config.js';
export type { LanguageModelProviderName } from './config.js';
export type { RerankingProviderName } from './config.js';
export { loadConfig, describeConfig, SECRET_KEYS, type LoadedConfig, type LoadConfigOptions, type ConfigLayer } from './load-config.js';
