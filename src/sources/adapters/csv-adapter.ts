import { parse } from 'csv-parse/sync';
import { HangjiaError } from '../../errors/index.js';
import { decodeText } from '../_decode-text.js';
import { emptySourceError } from '../_empty-source-error.js';
import { rowsToDocuments, type SourceRow } from '../_rows-to-documents.js';
import type { SourceAdapter } from '../_source-adapter.js';
import type { SourceWarning } from '../source-read-result.js';

/**
 * `.csv`: the first row is the header; every later row becomes one document (see `RowOptions`).
 * Rows are numbered as a spreadsheet shows them — the header is row 1, the first record row 2 —
 * so a row key or warning can be found by opening the file in Excel or WPS. A row with more or
 * fewer cells than the header is still read (extra cells named `column<N>`) and warned about.
 * Malformed quoting stops the file: `E_SOURCE_CORRUPT` with the line csv-parse reports.
 */
export const readCsvSource: SourceAdapter = async (file, bytes, options) => {
  const { text, encoding } = decodeText(bytes, file.path);
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new HangjiaError('E_SOURCE_CORRUPT', `Cannot parse CSV ${file.path}: ${(error as Error).message}. Check the quoting near that line.`, {
      details: { path: file.path, format: 'csv' },
      cause: error,
    });
  }
  const [header, ...body] = records;
  if (header === undefined || body.length === 0) throw emptySourceError(file, 'it has no rows below the header row.');
  const columns = header.map((name, index) => name.trim() || `column${index + 1}`);
  const warnings: SourceWarning[] = [];
  const rows: SourceRow[] = body.map((cells, index) => {
    const position = index + 2;
    if (cells.length !== columns.length) {
      warnings.push({
        path: file.path,
        reason: 'column-count',
        message: `row ${position} has ${cells.length} cells but the header has ${columns.length}; read anyway.`,
        line: position,
      });
    }
    const record: Record<string, unknown> = {};
    cells.forEach((cell, column) => {
      record[columns[column] ?? `column${column + 1}`] = cell;
    });
    return { record, position };
  });
  const result = rowsToDocuments(file, rows, options.rows, 'row', encoding);
  const byLine = (left: SourceWarning, right: SourceWarning): number => (left.line ?? 0) - (right.line ?? 0);
  return { documents: result.documents, warnings: [...warnings, ...result.warnings].sort(byLine) };
};
