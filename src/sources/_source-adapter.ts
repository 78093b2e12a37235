import type { SourceFile } from './source-file.js';
import type { SourceReadResult } from './source-read-result.js';
import type { ResolvedSourceOptions } from './source-options.js';

/**
 * One per format: turns a file's bytes into documents. Errors are `HangjiaError`s naming the file.
 * `signal` aborts when the file's time limit is reached: adapters that await between steps (pdf
 * pages) stop there.
 */
export type SourceAdapter = (file: SourceFile, bytes: Buffer, options: ResolvedSourceOptions, signal: AbortSignal) => Promise<SourceReadResult>;
