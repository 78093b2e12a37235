import type { Document } from '../documents/index.js';
import { buildDocument, fileTitle } from './_build-document.js';
import type { SourceFile } from './source-file.js';
import type { ResolvedSourceOptions } from './source-options.js';
import type { SourceReadResult, SourceWarning } from './source-read-result.js';

/** One csv/jsonl record and where it sits: the jsonl line or the csv spreadsheet row (1-based). */
export interface SourceRow {
  record: Record<string, unknown>;
  position: number;
}

/** Cell and JSON values as text: strings as they are, numbers and booleans printed, objects as JSON. */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Turns records into documents following `RowOptions`: key from the id field or the position,
 * title from the title field or `<file name> #<key>`, text from the text fields. Rows with no text
 * and rows repeating an earlier key are skipped with a warning (a repeated key would give two
 * documents the same id); everything else becomes a document.
 *
 * `positionName` is what the position is called in metadata and messages (`line` for jsonl,
 * `row` for csv).
 */
export function rowsToDocuments(
  file: SourceFile,
  rows: SourceRow[],
  options: ResolvedSourceOptions['rows'],
  positionName: 'line' | 'row',
  encoding: string,
): SourceReadResult {
  const documents: Document[] = [];
  const warnings: SourceWarning[] = [];
  const seenKeys = new Map<string, number>();
  for (const { record, position } of rows) {
    const id = valueText(record[options.idField]);
    const rowKey = id === '' ? String(position) : id;
    const earlier = seenKeys.get(rowKey);
    if (earlier !== undefined) {
      warnings.push({
        path: file.path,
        reason: 'duplicate-row-key',
        message: `${positionName} ${position} repeats key "${rowKey}" of ${positionName} ${earlier}; it was skipped. Make the "${options.idField}" values unique.`,
        line: position,
      });
      continue;
    }
    const fields =
      options.textFields ??
      (Object.hasOwn(record, 'text')
        ? ['text']
        : Object.keys(record).filter((field) => field !== options.idField && field !== options.titleField));
    const values = fields.map((field) => [field, valueText(record[field])] as const).filter(([, value]) => value !== '');
    const text = fields.length === 1 ? (values[0]?.[1] ?? '') : values.map(([field, value]) => `${field}: ${value}`).join('\n');
    if (text === '') {
      warnings.push({
        path: file.path,
        reason: 'empty-row',
        message: `${positionName} ${position} has no text in ${fields.map((field) => `"${field}"`).join(', ') || 'any field'}; it was skipped.`,
        line: position,
      });
      continue;
    }
    seenKeys.set(rowKey, position);
    const title = valueText(record[options.titleField]) || `${fileTitle(file)} #${rowKey}`;
    documents.push(buildDocument(file, { text, title, rowKey, encoding, metadata: { [positionName]: position } }));
  }
  return { documents, warnings };
}
