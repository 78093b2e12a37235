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
import { resolveSourceOptions, type ResolvedSourceOptions, type SourceOptions } from './source-options.js';
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
 * its parser rejects; `E_SOURCE_EMPTY` no text at all (a scanned PDF, an empty file);
 * `E_SOURCE_TIMEOUT` over `fileTimeLimitMs`; `E_SOURCE_PARSER` anything else a parser threw (a
 * bug, in hangjia or a library, contained to this file).
 * @example
 * for (const file of (await listSourceFiles(['docs/'])).files) {
 *   const { documents, warnings } = await readSourceFile(file);
 * }
 */
export async function readSourceFile(file: SourceFile, options: SourceOptions = {}): Promise<SourceReadResult> {
  const resolved = resolveSourceOptions(options);
  const bytes = await readBytes(file, resolved.maxFileBytes);
  return parseSourceBytes(file, bytes, resolved);
}

/** Codes a source adapter throws on purpose; anything else from `readSourceFile` is a bug it contained. */
export const SOURCE_ERROR_CODES: ReadonlySet<string> = new Set([
  'E_SOURCE_TOO_LARGE',
  'E_SOURCE_READ',
  'E_SOURCE_ENCODING',
  'E_SOURCE_CORRUPT',
  'E_SOURCE_EMPTY',
]);

/**
 * Runs the format's adapter on bytes already read, so that whatever happens inside one file stays
 * that file's failure: a `HangjiaError` passes through; any other exception (a stack overflow, a
 * library's TypeError) becomes `E_SOURCE_PARSER` naming the file; a parse still running after
 * `fileTimeLimitMs` becomes `E_SOURCE_TIMEOUT`. The limit can only interrupt a parser that awaits
 * (pdf.js, mammoth); the synchronous ones (text, html, csv, jsonl) are linear in the input and
 * depth-bounded instead.
 */
export async function parseSourceBytes(file: SourceFile, bytes: Buffer, options: ResolvedSourceOptions): Promise<SourceReadResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeLimit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const seconds = options.fileTimeLimitMs / 1000;
      const error = new HangjiaError(
        'E_SOURCE_TIMEOUT',
        `Reading ${file.path} took longer than ${seconds} s and was stopped; the other files are read. Split or re-save the file, or raise the time limit (fileTimeLimitMs).`,
        { details: { path: file.path, format: file.format, fileTimeLimitMs: options.fileTimeLimitMs } },
      );
      controller.abort(error);
      reject(error);
    }, options.fileTimeLimitMs);
  });
  try {
    return await Promise.race([ADAPTERS[file.format](file, bytes, options, controller.signal), timeLimit]);
  } catch (error) {
    if (HangjiaError.is(error)) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new HangjiaError(
      'E_SOURCE_PARSER',
      `Cannot read ${file.path}: the ${file.format} reader failed (${reason}); the other files are read. This is a bug in hangjia or a library it uses — please report it with the file if you can share it.`,
      { details: { path: file.path, format: file.format }, cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}
