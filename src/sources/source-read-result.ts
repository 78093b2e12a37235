import type { Document } from '../documents/index.js';

/**
 * Something wrong inside a file that did not stop the rest of it from being read: a malformed
 * JSON line, a row without text, a duplicate row id, a DOCX construct the converter dropped.
 * `reason` is stable and kebab-case so callers can count warnings by it.
 */
export interface SourceWarning {
  path: string;
  reason:
    | 'malformed-line'
    | 'not-an-object'
    | 'empty-row'
    | 'duplicate-row-key'
    | 'column-count'
    | 'conversion-message';
  message: string;
  /** 1-based line (jsonl) or spreadsheet row (csv) the warning is about. */
  line?: number;
}

/**
 * What reading one file gives: its documents, and what went wrong without stopping the read.
 * A file that cannot be read at all throws instead; see `readSourceFile`.
 */
export interface SourceReadResult {
  documents: Document[];
  warnings: SourceWarning[];
}
