import { basename, extname } from 'node:path';
import { contentHash, documentId, normalizeText, type Document } from '../documents/index.js';
import type { SourceFile } from './source-file.js';

/** What an adapter knows about one document; the rest is derived here, the same way for all. */
export interface DocumentParts {
  text: string;
  /** Falls back to the file name without its extension when missing or blank. */
  title?: string;
  rowKey?: string;
  encoding?: string;
  metadata?: Record<string, unknown>;
}

/** The file name without its extension: the title of last resort. */
export function fileTitle(file: SourceFile): string {
  const name = basename(file.path);
  return name.slice(0, name.length - extname(name).length) || name;
}

/**
 * Builds a Document: normalises text and title (`normalizeText`; the title is also collapsed to
 * one line), derives the id from the relative path and row key, and hashes the normalised text.
 */
export function buildDocument(file: SourceFile, parts: DocumentParts): Document {
  const text = normalizeText(parts.text);
  const title = normalizeText(parts.title ?? '').replace(/\s+/g, ' ').trim();
  const document: Document = {
    id: documentId(file.relativePath, parts.rowKey),
    sourcePath: file.path,
    format: file.format,
    title: title === '' ? fileTitle(file) : title,
    text,
    contentHash: contentHash(text),
    metadata: { relativePath: file.relativePath, ...parts.metadata },
  };
  if (parts.rowKey !== undefined) document.rowKey = parts.rowKey;
  if (parts.encoding !== undefined) document.encoding = parts.encoding;
  return document;
}
