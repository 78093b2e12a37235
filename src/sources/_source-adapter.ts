import type { SourceFile } from './source-file.js';
import type { SourceReadResult } from './source-read-result.js';
import type { ResolvedSourceOptions } from './source-options.js';

/** One per format: turns a file's bytes into documents. Errors are `HangjiaError`s naming the file. */
export type SourceAdapter = (file: SourceFile, bytes: Buffer, options: ResolvedSourceOptions) => Promise<SourceReadResult>;
