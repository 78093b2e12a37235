/**
 * @module models/download — model files (GGUF weights) fetched over HTTP for the in-process
 * providers: resumable through a `.part` file and HTTP Range, checked against a SHA-256 (the
 * caller's, or the one Hugging Face states), with separate connect and stall timeouts.
 */
export { downloadModelFile, MODEL_DOWNLOAD_DEFAULTS } from './download-model-file.js';
export type { DownloadModelFileOptions, DownloadModelFileResult, ModelDownloadProgress } from './download-model-file.js';
export { verifyModelFile } from './verify-model-file.js';
export type { VerifyModelFileResult } from './verify-model-file.js';
export { sha256FromHeader, SHA256_HEADERS } from './expected-sha256.js';
export type { ExpectedSha256, Sha256Source } from './expected-sha256.js';
export type { Sha256Check } from './_check-sha256.js';
export type { ModelDownloadFailure } from './model-download-error.js';
