/**
 * @module sources — files and folders → Document[]: listing with globs, one adapter per format
 * (txt, md, html, pdf, docx, csv, jsonl), encoding detection (UTF-8, UTF-16, GBK/GB18030).
 */
export { listSourceFiles, type SourceListing } from './list-source-files.js';
export { readSourceFile } from './read-source-file.js';
export { hashFile } from './hash-file.js';
export { sourceFormatOf, SOURCE_FORMAT_BY_EXTENSION } from './source-format.js';
export {
  DEFAULT_SOURCE_OPTIONS,
  resolveSourceOptions,
  type ResolvedSourceOptions,
  type RowOptions,
  type SourceOptions,
} from './source-options.js';
export type { SkippedInput, SourceFile } from './source-file.js';
export type { SourceReadResult, SourceWarning } from './source-read-result.js';
