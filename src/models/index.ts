/** @module models — model specifications (what providers implement), their errors, embedMany, rerank, and model-file downloads (download/). */
export type { EmbeddingModel } from './embedding-model.js';
export { embedMany } from './embed-many.js';
export type { EmbedManyOptions, EmbedManyResult, EmbedProgress } from './embed-many.js';
export { createApiCallError, isRetryableStatusCode, excerptResponseBody } from './api-call-error.js';
export type { ApiCallErrorOptions } from './api-call-error.js';
export { createProviderUnreachableError, createProviderTimeoutError } from './provider-connection-error.js';
export type { ProviderConnectionErrorOptions } from './provider-connection-error.js';
export { withRetryTotals, type ProviderRetry } from './provider-retry.js';
export { createProviderResponseError } from './provider-response-error.js';
export type { ProviderResponseErrorOptions } from './provider-response-error.js';
export { createEmbeddingDimensionsError } from './embedding-dimensions-error.js';
export { createModelLoadError } from './model-load-error.js';
export type { DisposableEmbeddingModel } from './disposable-embedding-model.js';
export type { RerankingModel } from './reranking-model.js';
export type { DisposableRerankingModel } from './disposable-reranking-model.js';
export { rerank } from './rerank.js';
export type { RerankOptions, RerankResult } from './rerank.js';
export type {
  LanguageModel,
  LanguageModelMessage,
  LanguageModelCallOptions,
  LanguageModelJsonResponseFormat,
  LanguageModelGenerateResult,
  LanguageModelUsage,
  FinishReason,
} from './language-model.js';
export type { LanguageModelStreamPart } from './language-model-stream-part.js';
export type { DisposableLanguageModel } from './disposable-language-model.js';
export { generateText } from './generate-text.js';
export { streamText } from './stream-text.js';
export type { StreamTextResult, StreamedText } from './stream-text.js';
export { generateObject } from './generate-object.js';
export type { GenerateObjectOptions, GenerateObjectResult } from './generate-object.js';
export type { JsonSchema, JsonSchemaType } from './json-schema.js';
export { validateJsonSchema, assertSupportedJsonSchema } from './validate-json-schema.js';
export type { ValidateJsonSchemaOptions } from './validate-json-schema.js';
export { parseJsonOutput } from './parse-json-output.js';
export { createModelOutputError } from './model-output-error.js';
export { createContextOverflowError } from './context-overflow-error.js';
export { createModelNotFoundError } from './model-not-found-error.js';
export { createStreamInterruptedError } from './stream-interrupted-error.js';
export { downloadModelFile, MODEL_DOWNLOAD_DEFAULTS, verifyModelFile, sha256FromHeader, SHA256_HEADERS } from './download/index.js';
export type {
  DownloadModelFileOptions,
  DownloadModelFileResult,
  ModelDownloadProgress,
  ModelDownloadFailure,
  VerifyModelFileResult,
  ExpectedSha256,
  Sha256Source,
  Sha256Check,
} from './download/index.js';
export { generateWithTools, supportsToolCalls } from './tool-calling.js';
export type {
  LanguageModelTool,
  LanguageModelToolCall,
  LanguageModelToolCallOptions,
  LanguageModelToolCallResult,
  ToolCallingLanguageModel,
  ToolConversationMessage,
} from './tool-calling.js';
