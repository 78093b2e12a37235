import fs from 'node:fs';
import readline from 'node:readline';
import { contentHash, type Document } from '../../documents/index.js';
import { HangjiaError } from '../../errors/index.js';
import type { DocumentWithChunks, KnowledgeBaseStore } from '../store/knowledge-base-store.js';
import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  decodeVector,
  walkKnowledgeBase,
  type DocumentRecord,
  type EmbeddingRecord,
  type ExportRecord,
  type HeaderRecord,
  type SourceFileRecord,
  type TransferDigest,
  type TransferPart,
} from './export-format.js';

/** The meta key under which an import records which export it is writing, and whether it finished. */
export const IMPORT_META_KEY = 'import';

/** What the target store remembers of an import (JSON under {@link IMPORT_META_KEY}). */
export interface ImportRecord {
  exportId: string;
  /** The knowledge base's name in the export it came from. */
  exportedName: string;
  startedAt: string;
  /** `verified` once counts and hashes matched the export's footer. */
  status: 'running' | 'verified';
}

export interface KnowledgeBaseImportOptions {
  /** The export file (`exportKnowledgeBase`). */
  file: string;
  /** Documents written per transaction (default 200): what a killed import loses at most. */
  batchSize?: number;
  onProgress?: (progress: { documents: number; documentsSkipped: number; embeddings: number }) => void;
  now?: () => Date;
}

export interface KnowledgeBaseImportResult {
  exportId: string;
  exportedName: string;
  /** Documents written now, and those an earlier, interrupted import of the same export had written. */
  documentsWritten: number;
  documentsSkipped: number;
  embeddingsWritten: number;
  /** True when this call continued an interrupted import. */
  resumed: boolean;
  /** What the store holds now, equal to the export's footer (else the import throws `E_IMPORT_VERIFY`). */
  digest: TransferDigest;
}

/** Reads an export file's header (its first line): for the CLI, to learn the name before opening a store. */
export async function readExportHeader(file: string): Promise<HeaderRecord> {
  for await (const record of readRecords(file)) return checkHeader(record, file);
  throw new HangjiaError('E_IMPORT_FORMAT', `${file} is empty; expected a hangjia knowledge-base export (hangjia kb export).`, { details: { path: file } });
}

/**
 * Writes an export into `store` (a new, empty knowledge base or one an interrupted import of the
 * same export left), streaming: one file's documents are written a batch at a time, each batch in
 * one transaction through `writeSourceFileBatch`, so a killed import keeps every finished batch and
 * the next call continues after it — where it is comes from the store itself (its complete and
 * partial files), which the batch writes atomically, not from a separate progress record that
 * could disagree. At the end the store is counted and hashed the way the export was, and any
 * difference is `E_IMPORT_VERIFY` naming the part.
 *
 * @throws HangjiaError `E_IMPORT_FORMAT` (not an export, a newer format, a line that is not JSON),
 * `E_IMPORT_TRUNCATED` (no footer), `E_IMPORT_CONFLICT` (the store holds another import or
 * knowledge base), `E_IMPORT_VERIFY`.
 */
export async function importKnowledgeBase(store: KnowledgeBaseStore, options: KnowledgeBaseImportOptions): Promise<KnowledgeBaseImportResult> {
  const batchSize = options.batchSize ?? 200;
  const records = readRecords(options.file)[Symbol.asyncIterator]();
  const first = await records.next();
  if (first.done) throw new HangjiaError('E_IMPORT_FORMAT', `${options.file} is empty; expected a hangjia knowledge-base export.`, { details: { path: options.file } });
  const header = checkHeader(first.value, options.file);
  const resumed = beginImport(store, header, options);

  const partialFiles = store.partialFiles();
  const completeFiles = new Set(store.sourceFiles().map((file) => file.path).filter((path) => !partialFiles.has(path)));
  const counters = { documents: 0, documentsSkipped: 0, embeddings: 0 };
  let current: { record: SourceFileRecord; seen: number; skipUntil: number; written: number; pending: DocumentWithChunks[] } | undefined;
  let embeddings: EmbeddingRecord[] = [];
  let footer: TransferDigest | undefined;

  const writePending = (last: boolean): void => {
    if (current === undefined) return;
    const { record, pending } = current;
    const { status: _status, errorCode: _errorCode, errorMessage: _errorMessage, documentCount: _documentCount, ...file } = record.file;
    if (record.file.fileHash === null) {
      // No content hash (the file failed before it could be read): no batch can key it, and it has no documents to batch.
      store.replaceSourceFile({ ...file, fileHash: null }, pending, record.file.accessGroups);
    } else {
      store.writeSourceFileBatch({ ...file, fileHash: record.file.fileHash }, pending, { documentsDone: current.written, last }, record.file.accessGroups);
    }
    current.written += pending.length;
    counters.documents += pending.length;
    current.pending = [];
  };
  const finishFile = (): void => {
    if (current === undefined) return;
    const { record } = current;
    if (!completeFiles.has(record.file.path)) writePending(record.partial === undefined);
    if (record.file.status === 'failed') {
      const { status: _status, documentCount: _documentCount, ...file } = record.file;
      store.markSourceFileFailed(file);
    }
    current = undefined;
  };
  const writeEmbeddings = (): void => {
    if (embeddings.length === 0) return;
    const chunks = store.chunksByIds(embeddings.map((embedding) => embedding.chunkId));
    const byModel = new Map<string, Array<{ textHash: string; vector: Float32Array }>>();
    for (const embedding of embeddings) {
      const chunk = chunks.get(embedding.chunkId);
      if (chunk === undefined) throw verifyError(options.file, `embedding of chunk ${embedding.chunkId}, which the import did not write`);
      const items = byModel.get(embedding.modelId) ?? [];
      items.push({ textHash: chunk.textHash, vector: decodeVector(embedding.vector) });
      byModel.set(embedding.modelId, items);
    }
    for (const [modelId, items] of byModel) store.saveEmbeddings(modelId, items);
    counters.embeddings += embeddings.length;
    embeddings = [];
  };

  for (let next = await records.next(); !next.done; next = await records.next()) {
    const record = next.value;
    if (footer !== undefined) throw formatError(options.file, 'records after the footer');
    switch (record.type) {
      case 'file-override':
        store.setAccessOverride('file', record.path, record.groups);
        break;
      case 'source-file': {
        finishFile();
        const partial = partialFiles.get(record.file.path);
        // Files an earlier run finished are skipped whole; a partial one after the documents it stored.
        const skipUntil = completeFiles.has(record.file.path) ? Number.POSITIVE_INFINITY : (partial?.documentsDone ?? 0);
        current = { record, seen: 0, skipUntil, written: Number.isFinite(skipUntil) ? skipUntil : 0, pending: [] };
        break;
      }
      case 'document': {
        if (current === undefined || current.record.file.path !== record.sourcePath) throw formatError(options.file, `document ${record.id} outside the records of its file ${record.sourcePath}`);
        current.seen += 1;
        if (current.seen <= current.skipUntil) {
          counters.documentsSkipped += 1;
          break;
        }
        // An admin's groups for this one document: recorded first, so the insert below takes them.
        if (!sameGroups(record.groups, current.record.file.accessGroups)) store.setAccessOverride('document', record.id, record.groups);
        current.pending.push(toDocumentWithChunks(record));
        if (current.pending.length >= batchSize) writePending(false);
        options.onProgress?.({ ...counters });
        break;
      }
      case 'embedding':
        finishFile();
        embeddings.push(record);
        if (embeddings.length >= batchSize) writeEmbeddings();
        break;
      case 'footer':
        finishFile();
        writeEmbeddings();
        footer = record.digest;
        break;
      case 'header':
        throw formatError(options.file, 'a second header');
    }
  }
  if (footer === undefined) {
    throw new HangjiaError(
      'E_IMPORT_TRUNCATED',
      `${options.file} ends before its footer: the export was cut short (killed, or the copy is incomplete). What was read is kept; export the knowledge base again and import that file.`,
      { details: { path: options.file } },
    );
  }
  const digest = walkKnowledgeBase(store, () => undefined);
  const differing = (Object.keys(footer) as TransferPart[]).filter((part) => footer[part].count !== digest[part].count || footer[part].sha256 !== digest[part].sha256);
  if (differing.length > 0) {
    throw verifyError(options.file, differing.map((part) => `${part}: export ${footer[part].count} (${footer[part].sha256.slice(0, 12)}…), imported ${digest[part].count} (${digest[part].sha256.slice(0, 12)}…)`).join('; '));
  }
  const importRecord: ImportRecord = { ...(JSON.parse(store.getMeta(IMPORT_META_KEY)!) as ImportRecord), status: 'verified' };
  store.setMeta(IMPORT_META_KEY, JSON.stringify(importRecord));
  return {
    exportId: header.exportId,
    exportedName: header.name,
    documentsWritten: counters.documents,
    documentsSkipped: counters.documentsSkipped,
    embeddingsWritten: counters.embeddings,
    resumed,
    digest,
  };
}

/**
 * Records the import in the store, or checks that the store holds an unfinished import of this
 * same export (then the import resumes). Returns whether it resumes.
 */
function beginImport(store: KnowledgeBaseStore, header: HeaderRecord, options: KnowledgeBaseImportOptions): boolean {
  const existing = store.getMeta(IMPORT_META_KEY);
  if (existing !== undefined) {
    const previous = JSON.parse(existing) as ImportRecord;
    if (previous.exportId !== header.exportId) {
      throw new HangjiaError(
        'E_IMPORT_CONFLICT',
        `The target knowledge base holds an import of another export (${previous.exportId}, of "${previous.exportedName}"), not of ${options.file} (${header.exportId}). Import into another name (--name), or remove the target first.`,
        { details: { path: options.file, exportId: header.exportId, existing: previous.exportId } },
      );
    }
    return true;
  }
  if (store.sourceFiles().length > 0) {
    throw new HangjiaError('E_IMPORT_CONFLICT', `The target knowledge base already holds source files of its own; import into a new name (--name).`, { details: { path: options.file } });
  }
  const record: ImportRecord = { exportId: header.exportId, exportedName: header.name, startedAt: (options.now?.() ?? new Date()).toISOString(), status: 'running' };
  store.setMetaEntries({ ...header.meta, [IMPORT_META_KEY]: JSON.stringify(record) });
  return false;
}

function toDocumentWithChunks(record: DocumentRecord): DocumentWithChunks {
  const document: Document = {
    id: record.id,
    sourcePath: record.sourcePath,
    ...(record.rowKey === undefined ? {} : { rowKey: record.rowKey }),
    format: record.format,
    title: record.title,
    text: record.text,
    contentHash: contentHash(record.text),
    metadata: {},
  };
  return { document, chunks: record.chunks };
}

function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((group, index) => group === b[index]);
}

function checkHeader(record: ExportRecord, file: string): HeaderRecord {
  if (record.type !== 'header' || (record as HeaderRecord).format !== EXPORT_FORMAT) throw formatError(file, 'no header on its first line');
  if (record.version > EXPORT_FORMAT_VERSION) {
    throw new HangjiaError(
      'E_IMPORT_FORMAT',
      `${file} is export format version ${record.version}; this hangjia reads up to ${EXPORT_FORMAT_VERSION}. Upgrade hangjia on this machine.`,
      { details: { path: file, found: record.version, supported: EXPORT_FORMAT_VERSION } },
    );
  }
  return record;
}

async function* readRecords(file: string): AsyncGenerator<ExportRecord> {
  let input: fs.ReadStream;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    input = fs.createReadStream(file, { encoding: 'utf8' });
  } catch (error) {
    throw new HangjiaError('E_PATH_NOT_FOUND', `Cannot read the export file ${file}: ${(error as Error).message}`, { details: { path: file }, cause: error });
  }
  let lineNumber = 0;
  const lines = readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (line === '') continue;
      let record: ExportRecord;
      try {
        record = JSON.parse(line) as ExportRecord;
      } catch (error) {
        throw formatError(file, `line ${lineNumber} is not JSON (${(error as Error).message})`);
      }
      yield record;
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

function formatError(file: string, problem: string): HangjiaError {
  return new HangjiaError('E_IMPORT_FORMAT', `${file} is not a readable hangjia knowledge-base export: ${problem}. Make it with hangjia kb export <name> <file>.`, { details: { path: file } });
}

function verifyError(file: string, problem: string): HangjiaError {
  return new HangjiaError('E_IMPORT_VERIFY', `The import of ${file} does not match the export: ${problem}. Nothing was removed; remove the target knowledge base and import again, or report the export file.`, {
    details: { path: file },
  });
}
