/** @module models — model specifications (what providers implement), their errors, and embedMany. */
export type { EmbeddingModel } from './embedding-model.js';
export { embedMany } from './embed-many.js';
export type { EmbedManyOptions, EmbedManyResult, EmbedProgress } from './embed-many.js';
export { createApiCallError, isRetryableStatusCode, excerptResponseBody } from './api-call-error.js';
export type { ApiCallErrorOptions } from './api-call-error.js';
export { createProviderUnreachableError, createProviderTimeoutError } from './provider-connection-error.js';
export type { ProviderConnectionErrorOptions } from './provider-connection-error.js';
export { createProviderResponseError } from './provider-response-error.js';
export type { ProviderResponseErrorOptions } from './provider-response-error.js';
export { createEmbeddingDimensionsError } from './embedding-dimensions-error.js';
export { createModelLoadError } from './model-load-error.js';
export type { DisposableEmbeddingModel } from './disposable-embedding-model.js';
