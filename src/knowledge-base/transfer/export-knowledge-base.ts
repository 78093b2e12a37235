import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { HangjiaError } from '../../errors/index.js';
import type { KnowledgeBaseStore } from '../store/knowledge-base-store.js';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, EXPORTED_META_KEYS, walkKnowledgeBase, type ExportRecord, type TransferDigest } from './export-format.js';

/** What `exportKnowledgeBase` wrote. */
export interface KnowledgeBaseExportResult {
  file: string;
  exportId: string;
  /** Lines written, header and footer included. */
  records: number;
  bytes: number;
  digest: TransferDigest;
}

export interface KnowledgeBaseExportOptions {
  /** The knowledge base's name, recorded in the header (an import takes it unless given another). */
  name: string;
  /** Where to write; written as `<file>.partial` and renamed at the end, so a killed export leaves no file that looks whole. */
  file: string;
  /** Called after each document, embedding and file-level record with the running totals. */
  onProgress?: (progress: { documents: number; embeddings: number; bytes: number }) => void;
  /** Injected for tests; default a random UUID and the current time. */
  exportId?: string;
  now?: () => Date;
}

/** Lines are gathered up to this many bytes before a write: one system call per record would dominate. */
const WRITE_BUFFER_BYTES = 1 << 20;

/**
 * Writes a knowledge base to a JSON Lines file (see `export-format.ts`), reading the store a page of
 * documents at a time, so a knowledge base larger than memory exports in constant memory. Works on
 * any store (SQLite or PostgreSQL); the footer carries counts and content hashes that
 * `importKnowledgeBase` checks the imported copy against.
 *
 * @example
 * const result = exportKnowledgeBase(knowledgeBase.store, { name: 'law', file: 'law.hangjia.jsonl' });
 * console.log(result.digest.chunks); // { count: 58210, sha256: '…' }
 */
export function exportKnowledgeBase(store: KnowledgeBaseStore, options: KnowledgeBaseExportOptions): KnowledgeBaseExportResult {
  const exportId = options.exportId ?? randomUUID();
  const partial = `${options.file}.partial`;
  let descriptor: number;
  try {
    descriptor = fs.openSync(partial, 'w');
  } catch (error) {
    throw new HangjiaError('E_EXPORT_WRITE', `Cannot write the export file ${partial}: ${(error as Error).message}`, { details: { path: options.file }, cause: error });
  }
  let buffered: string[] = [];
  let bufferedBytes = 0;
  let bytes = 0;
  let records = 0;
  const counts = { documents: 0, embeddings: 0 };
  const flush = (): void => {
    if (buffered.length === 0) return;
    fs.writeSync(descriptor, buffered.join(''));
    buffered = [];
    bufferedBytes = 0;
  };
  const write = (record: ExportRecord): void => {
    const line = `${JSON.stringify(record)}\n`;
    const length = Buffer.byteLength(line);
    buffered.push(line);
    bufferedBytes += length;
    bytes += length;
    records += 1;
    if (bufferedBytes >= WRITE_BUFFER_BYTES) flush();
  };
  try {
    const meta: Record<string, string> = {};
    for (const key of EXPORTED_META_KEYS) {
      const value = store.getMeta(key);
      if (value !== undefined) meta[key] = value;
    }
    write({ type: 'header', format: EXPORT_FORMAT, version: EXPORT_FORMAT_VERSION, exportId, name: options.name, exportedAt: (options.now?.() ?? new Date()).toISOString(), meta, documents: store.counts().documents });
    const digest = walkKnowledgeBase(store, (record) => {
      write(record);
      if (record.type === 'document') counts.documents += 1;
      if (record.type === 'embedding') counts.embeddings += 1;
      options.onProgress?.({ ...counts, bytes });
    });
    write({ type: 'footer', digest });
    flush();
    fs.fsyncSync(descriptor);
    fs.closeSync(descriptor);
    descriptor = -1;
    fs.renameSync(partial, options.file);
    return { file: options.file, exportId, records, bytes, digest };
  } catch (error) {
    if (descriptor !== -1) fs.closeSync(descriptor);
    fs.rmSync(partial, { force: true });
    throw error;
  }
}
