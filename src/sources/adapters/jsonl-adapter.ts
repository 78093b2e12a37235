import { decodeText } from '../_decode-text.js';
import { emptySourceError } from '../_empty-source-error.js';
import { rowsToDocuments, type SourceRow } from '../_rows-to-documents.js';
import type { SourceAdapter } from '../_source-adapter.js';
import type { SourceWarning } from '../source-read-result.js';

/**
 * `.jsonl`/`.ndjson`: every non-blank line is a JSON object that becomes one document (see
 * `RowOptions`; defaults `id`, `title`, `text`). A line that is not valid JSON, or not an object,
 * is returned as a warning with its 1-based line number and the rest of the file is still read:
 * one bad line in a 100 000-line export should not lose the other 99 999.
 */
export const readJsonlSource: SourceAdapter = async (file, bytes, options) => {
  const { text, encoding } = decodeText(bytes, file.path);
  const warnings: SourceWarning[] = [];
  const rows: SourceRow[] = [];
  let nonBlankLines = 0;
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    nonBlankLines += 1;
    const position = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      warnings.push({
        path: file.path,
        reason: 'malformed-line',
        message: `line ${position} is not valid JSON (${(error as Error).message}); it was skipped.`,
        line: position,
      });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      warnings.push({
        path: file.path,
        reason: 'not-an-object',
        message: `line ${position} is JSON but not an object (${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}); it was skipped.`,
        line: position,
      });
      return;
    }
    rows.push({ record: value as Record<string, unknown>, position });
  });
  if (nonBlankLines === 0) throw emptySourceError(file, 'it has no lines.');
  const result = rowsToDocuments(file, rows, options.rows, 'line', encoding);
  const byLine = (left: SourceWarning, right: SourceWarning): number => (left.line ?? 0) - (right.line ?? 0);
  return { documents: result.documents, warnings: [...warnings, ...result.warnings].sort(byLine) };
};
