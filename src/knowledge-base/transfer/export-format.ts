import { createHash } from 'node:crypto';
import type { KnowledgeBaseStore, SourceFileRow, StoredChunk } from '../store/knowledge-base-store.js';

/**
 * The export file: JSON Lines, one record per line, in this order — a `header`, the file-level
 * access overrides, each source file followed by its documents (each with its chunks), the
 * embeddings of the knowledge base's embedding model, and a `footer` with what the export holds
 * ({@link TransferDigest}). Records of one file are contiguous so that an import can write a file's
 * documents in batches and resume inside a file; the footer comes last so a truncated file is
 * recognised (no footer) rather than imported as complete.
 */
export const EXPORT_FORMAT = 'hangjia-knowledge-base';
/** Bumped when a record changes shape; an import refuses a newer version. */
export const EXPORT_FORMAT_VERSION = 1;

export interface HeaderRecord {
  type: 'header';
  format: typeof EXPORT_FORMAT;
  version: number;
  /** Random per export: an import resumes only the export it started. */
  exportId: string;
  name: string;
  exportedAt: string;
  /** The knowledge base's own records: `settings`, `createdAt`, `embeddingModelId`. */
  meta: Record<string, string>;
  /** How many documents follow (for an import's progress; the footer is what it verifies against). */
  documents: number;
}

export interface FileOverrideRecord {
  type: 'file-override';
  path: string;
  groups: string[];
}

export interface SourceFileRecord {
  type: 'source-file';
  file: Required<SourceFileRow>;
  /**
   * Set when the file was mid-ingest (its documents written in batches, not all yet): the import
   * leaves it so, and the next `kb sync` continues it as it would have in the source.
   */
  partial?: { fileHash: string; documentsDone: number };
}

export interface DocumentRecord {
  type: 'document';
  id: string;
  sourcePath: string;
  rowKey?: string;
  format: SourceFileRow['format'];
  title: string;
  text: string;
  /** Its access groups; where they differ from its file's, an admin gave them (an override). */
  groups: string[];
  chunks: Array<{ chunk: StoredChunk['chunk']; textHash: string }>;
}

/** One chunk's vector (by chunk id: iterating the embeddings leaves the store no room for a lookup on the way). */
export interface EmbeddingRecord {
  type: 'embedding';
  modelId: string;
  chunkId: string;
  /** Float32 little-endian, base64. */
  vector: string;
}

export interface FooterRecord {
  type: 'footer';
  digest: TransferDigest;
}

export type ExportRecord = HeaderRecord | FileOverrideRecord | SourceFileRecord | DocumentRecord | EmbeddingRecord | FooterRecord;

/** What a knowledge base holds, by part: how many, and a hash of their content. */
export type TransferDigest = Record<TransferPart, { count: number; sha256: string }>;
export type TransferPart = 'fileOverrides' | 'sourceFiles' | 'documents' | 'chunks' | 'embeddings';

const PARTS: TransferPart[] = ['fileOverrides', 'sourceFiles', 'documents', 'chunks', 'embeddings'];
const MODULUS = 1n << 256n;

/**
 * Counts and hashes the parts of a knowledge base, independent of the order they are read in: each
 * item's SHA-256 is added modulo 2^256 (a multiset hash), because PostgreSQL and SQLite may sort the
 * same paths differently (collations), and the import must verify against the export all the same.
 */
export class DigestBuilder {
  private readonly sums = new Map<TransferPart, { count: number; sum: bigint }>(PARTS.map((part) => [part, { count: 0, sum: 0n }]));

  add(part: TransferPart, item: unknown): void {
    const entry = this.sums.get(part)!;
    entry.count += 1;
    entry.sum = (entry.sum + BigInt(`0x${createHash('sha256').update(JSON.stringify(item)).digest('hex')}`)) % MODULUS;
  }

  digest(): TransferDigest {
    return Object.fromEntries(PARTS.map((part) => {
      const { count, sum } = this.sums.get(part)!;
      return [part, { count, sha256: sum.toString(16).padStart(64, '0') }];
    })) as TransferDigest;
  }
}

/** What of a source file is hashed: everything but when it was last written. */
export function sourceFileDigestItem(file: Required<SourceFileRow>): unknown[] {
  return [file.path, file.root, file.relativePath, file.format, file.size, file.mtimeMs, file.fileHash, file.status, file.errorCode, file.errorMessage, file.documentCount, file.accessGroups];
}

export function documentDigestItem(document: Pick<DocumentRecord, 'id' | 'sourcePath' | 'rowKey' | 'format' | 'title' | 'text' | 'groups'>): unknown[] {
  return [document.id, document.sourcePath, document.rowKey ?? null, document.format, document.title, createHash('sha256').update(document.text).digest('hex'), document.groups];
}

export function chunkDigestItem({ chunk, textHash }: { chunk: StoredChunk['chunk']; textHash: string }): unknown[] {
  return [chunk.id, chunk.documentId, chunk.index, chunk.headingPath, chunk.start, chunk.end, chunk.tokenCount, textHash];
}

/** An embedding is hashed per chunk that uses it, so a vector shared by equal chunks counts for each. */
export function embeddingDigestItem(record: Pick<EmbeddingRecord, 'modelId' | 'chunkId' | 'vector'>): unknown[] {
  return [record.modelId, record.chunkId, record.vector];
}

export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

export function decodeVector(encoded: string): Float32Array {
  const bytes = Buffer.from(encoded, 'base64');
  // Copied into a buffer of its own: a Float32Array needs a 4-byte aligned offset, which Buffer pools do not promise.
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

/** A source file row with every field present (`accessGroups` is optional in the type, always set when read). */
export function completeSourceFile(file: SourceFileRow): Required<SourceFileRow> {
  return { ...file, accessGroups: file.accessGroups ?? [] };
}

/** Documents are read a page at a time: the whole knowledge base never sits in memory. */
export const DOCUMENT_PAGE_SIZE = 200;

/**
 * Walks everything an export carries, in the order the file holds it, calling `visit` for each
 * record; returns the digest. Both the export (which writes the records) and the import's
 * verification (which only hashes) use it.
 */
export function walkKnowledgeBase(store: KnowledgeBaseStore, visit: (record: FileOverrideRecord | SourceFileRecord | DocumentRecord | EmbeddingRecord) => void): TransferDigest {
  const digest = new DigestBuilder();
  for (const [path, groups] of store.fileAccessOverrides()) {
    digest.add('fileOverrides', [path, groups]);
    visit({ type: 'file-override', path, groups });
  }
  const files = new Map(store.sourceFiles().map((file) => [file.path, completeSourceFile(file)]));
  const partialFiles = store.partialFiles();
  const emitFile = (path: string): void => {
    const file = files.get(path);
    if (file === undefined) return;
    files.delete(path);
    const partial = partialFiles.get(path);
    digest.add('sourceFiles', [...sourceFileDigestItem(file), partial ?? null]);
    visit({ type: 'source-file', file, ...(partial ? { partial } : {}) });
  };
  for (let offset = 0; ; offset += DOCUMENT_PAGE_SIZE) {
    const page = store.documents({ offset, limit: DOCUMENT_PAGE_SIZE });
    for (const summary of page) {
      // Documents come ordered by path, so a file's documents follow its record.
      emitFile(summary.path);
      const stored = store.readDocument(summary.id);
      if (stored === undefined) continue;
      const record: DocumentRecord = {
        type: 'document',
        id: summary.id,
        sourcePath: summary.path,
        ...(summary.rowKey === undefined ? {} : { rowKey: summary.rowKey }),
        format: summary.format,
        title: summary.title,
        text: stored.text,
        groups: summary.groups,
        chunks: stored.chunks.map(({ chunk, textHash }) => ({ chunk, textHash })),
      };
      digest.add('documents', documentDigestItem(record));
      for (const chunk of record.chunks) digest.add('chunks', chunkDigestItem(chunk));
      visit(record);
    }
    if (page.length < DOCUMENT_PAGE_SIZE) break;
  }
  // Files without documents (failed before their first version, or empty).
  for (const path of [...files.keys()]) emitFile(path);
  const modelId = store.getMeta('embeddingModelId');
  if (modelId !== undefined) {
    for (const { chunkId, vector } of store.iterateChunkEmbeddings(modelId)) {
      const record: EmbeddingRecord = { type: 'embedding', modelId, chunkId, vector: encodeVector(vector) };
      digest.add('embeddings', embeddingDigestItem(record));
      visit(record);
    }
  }
  return digest.digest();
}

/** The meta keys an export carries: what the knowledge base is, not its run-time state. */
export const EXPORTED_META_KEYS = ['settings', 'createdAt', 'embeddingModelId'] as const;
