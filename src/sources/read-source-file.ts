import { open } from 'node:fs/promises';
import type { SourceFormat } from '../documents/index.js';
import { HangjiaError } from '../errors/index.js';
import type { SourceAdapter } from './_source-adapter.js';
import { readCsvSource } from './adapters/csv-adapter.js';
import { readDocxSource } from './adapters/docx-adapter.js';
import { readHtmlSource } from './adapters/html-adapter.js';
import { readJsonlSource } from './adapters/jsonl-adapter.js';
import { readMarkdownSource } from './adapters/markdown-adapter.js';
import { readPdfSource } from './adapters/pdf-adapter.js';
import { readTextSource } from './adapters/text-adapter.js';
import type { SourceFile } from './source-file.js';
import { resolveSourceOptions, type SourceOptions } from './source-options.js';
import type { SourceReadResult } from './source-read-result.js';

const ADAPTERS: Record<SourceFormat, SourceAdapter> = {
  txt: readTextSource,
  md: readMarkdownSource,
  html: readHtmlSource,
  pdf: readPdfSource,
  docx: readDocxSource,
  csv: readCsvSource,
  jsonl: readJsonlSource,
};

async function readBytes(file: SourceFile, maxFileBytes: number): Promise<Buffer> {
  try {
    const handle = await open(file.path, 'r');
    try {
      // Size is checked on the open handle, not the listing: the file may have grown since.
      const { size } = await handle.stat();
      if (size > maxFileBytes) {
        throw new HangjiaError(
          'E_SOURCE_TOO_LARGE',
          `${file.path} is ${size} bytes, over the ${maxFileBytes}-byte limit. Split it, or raise maxFileBytes (--max-file-bytes).`,
          { details: { path: file.path, size, maxFileBytes } },
        );
      }
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (HangjiaError.is(error)) throw error;
    throw new HangjiaError('E_SOURCE_READ', `Cannot read ${file.path}: ${(error as Error).message}`, {
      details: { path: file.path },
      cause: error,
    });
  }
}

/**
 * Reads one listed file into documents with the adapter for its format: one document for txt, md,
 * html, pdf and docx; one per record for csv and jsonl. Text is normalised (`normalizeText`), ids
 * derive from `file.relativePath` (and the row key), and text formats record their `encoding`.
 * Problems that spare the rest of the file (a malformed jsonl line, an empty csv row) come back
 * in `warnings`; problems that spoil the file throw.
 *
 * @throws HangjiaError, always with `details.path`:
 * `E_SOURCE_TOO_LARGE` over `maxFileBytes`; `E_SOURCE_READ` unreadable (missing, permissions);
 * `E_SOURCE_ENCODING` text in none of UTF-8/UTF-16/GB18030; `E_SOURCE_CORRUPT` a PDF, DOCX or CSV
 * its parser rejects; `E_SOURCE_EMPTY` no text at all (a scanned PDF, an empty file).
 * @example
 * for (const file of (await listSourceFiles(['docs/'])).files) {
 *   const { documents, warnings } = await readSourceFile(file);
 * }
 */
export async function readSourceFile(file: SourceFile, options: SourceOptions = {}): Promise<SourceReadResult> {
  const resolved = resolveSourceOptions(options);
  const bytes = await readBytes(file, resolved.maxFileBytes);
  return ADAPTERS[file.format](file, bytes, resolved);
}
