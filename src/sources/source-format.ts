import { extname } from 'node:path';
import type { SourceFormat } from '../documents/index.js';

/**
 * File extensions (lower case, with the dot) and the adapter that reads each. Matching is
 * case-insensitive: `报告.PDF` is a PDF. `.ndjson` is the other common name for JSON Lines.
 */
export const SOURCE_FORMAT_BY_EXTENSION: Readonly<Record<string, SourceFormat>> = {
  '.txt': 'txt',
  '.text': 'txt',
  '.md': 'md',
  '.markdown': 'md',
  '.html': 'html',
  '.htm': 'html',
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** The format a path's extension names, or `undefined` when no adapter reads it. */
export function sourceFormatOf(path: string): SourceFormat | undefined {
  return SOURCE_FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
}
