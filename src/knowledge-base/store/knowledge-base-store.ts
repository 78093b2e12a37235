import type { AccessFilter } from '../../access/index.js';
import type { Chunk } from '../../chunking/index.js';
import type { Document, SourceFormat } from '../../documents/index.js';

export interface SourceFileRow {
  path: string;
  root: string;
  relativePath: string;
  format: SourceFormat;
  size: number;
  mtimeMs: number;
  fileHash: string | null;
  status: 'indexed' | 'failed';
  errorCode: string | null;
  errorMessage: string | null;
  documentCount: number;
  /** The groups its documents carry (those without an override of their own); always set when read. */
  accessGroups?: string[];
}

/** One document as listed: where it came from, its size, and its access groups. */
export interface DocumentSummary {
  id: string;
  path: string;
  rowKey?: string;
  format: SourceFormat;
  title: string;
  characters: number;
  chunks: number;
  /** Its access groups; under an access filter, only those the caller holds. */
  groups: string[];
}

/** A document as stored: with its chunks and their text hashes. */
export interface DocumentWithChunks {
  document: Document;
  chunks: Array<{ chunk: Chunk; textHash: string }>;
}

/** A chunk with the document fields that hits and citations need. */
export interface StoredChunk {
  chunk: Chunk;
  documentPath: string;
  documentTitle: string;
  /** The row key of a csv/jsonl document (its id field, or line/row number); absent for other formats. */
  documentRowKey?: string;
  /** The document's access groups (none: readable by everyone). */
  documentGroups: string[];
  textHash: string;
}

/** A source file as `replaceSourceFile` takes it: what sync knows before it is stored. */
export type SourceFileInput = Omit<SourceFileRow, 'status' | 'errorCode' | 'errorMessage' | 'documentCount'>;

/** A source file as `writeSourceFileBatch` takes it: its content hash is required (it keys the resume). */
export type SourceFileBatchInput = Omit<SourceFileInput, 'fileHash'> & { fileHash: string };

/** One document read back whole: its summary (no groups: the caller checks access first), text and chunks. */
export interface StoredDocument {
  document: Omit<DocumentSummary, 'groups'>;
  text: string;
  chunks: StoredChunk[];
}

/** What the store holds (see {@link KnowledgeBaseStore.counts}). */
export interface StoreCounts {
  sourceFiles: number;
  failedFiles: number;
  documents: number;
  chunks: number;
  characters: number;
  embeddings: number;
}

/** One ingest run as recorded by `startRun`/`finishRun`. */
export interface IngestRun {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  counters: unknown;
}

/**
 * A knowledge base's source of truth: source files, documents, chunks, embeddings, ingest progress,
 * access groups and runs. Two implementations pass one conformance suite
 * (`test/conformance/knowledge-base-store.case.ts`): `SqliteKnowledgeBaseStore` (one file per
 * knowledge base, the default) and `PostgresKnowledgeBaseStore` (one database, many knowledge
 * bases). Every method is synchronous (the server and sync call it so) and every write is one
 * transaction: a process killed mid-ingest leaves either the old or the new version of each file,
 * and each committed change to documents or chunks bumps `generation()`, so derived indexes can
 * tell whether they are stale.
 */
export interface KnowledgeBaseStore {
  /** Which implementation this is: `sqlite` or `postgres`. */
  readonly kind: 'sqlite' | 'postgres';
  /** Opened for reading only: every write fails, so none can slip through. */
  readonly readOnly: boolean;

  close(): void;

  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  /** Sets several keys in one transaction (a new knowledge base's name, creation time and settings). */
  setMetaEntries(entries: Record<string, string>): void;

  /** Increases on every committed change to documents or chunks; derived indexes record the one they were built from. */
  generation(): number;

  /**
   * Freezes what this store reads (a read snapshot) until `releaseSnapshot`: the server pins the
   * instance readers use while a job writes the knowledge base through another one.
   */
  pinSnapshot(): void;
  /** Ends a snapshot `pinSnapshot` began; nothing when none is pinned. */
  releaseSnapshot(): void;

  sourceFiles(): SourceFileRow[];

  /**
   * Replaces everything stored for one file by its new documents and chunks, atomically. Its
   * documents carry `accessGroups` (the file's groups), except those an admin gave groups of their
   * own ({@link setAccessOverride}), which keep them.
   */
  replaceSourceFile(file: SourceFileInput, documents: DocumentWithChunks[], accessGroups?: readonly string[]): void;

  /**
   * Files whose documents are being written in batches (see `writeSourceFileBatch`), with the
   * content hash of the version being written and how many of its documents are stored.
   */
  partialFiles(): Map<string, { fileHash: string; documentsDone: number }>;

  /**
   * Writes one batch of a large file's documents in one transaction, so that an ingest killed
   * mid-file keeps the batches it finished and the next sync continues after them. `documentsDone`
   * is how many of the file's documents earlier batches stored: 0 starts the file over (what was
   * stored for it goes); `last` ends it, after which the file counts as ingested like any other.
   * Until then `partialFiles()` lists it.
   */
  writeSourceFileBatch(file: SourceFileBatchInput, documents: DocumentWithChunks[], position: { documentsDone: number; last: boolean }, accessGroups?: readonly string[]): void;

  /** Drops what a batched write stored for `path` (it failed part-way): nothing half-read stays. */
  discardPartialFile(path: string): void;

  /**
   * Records that a file failed. What was stored for it before (its last good version) is kept,
   * so a file that turned corrupt does not silently disappear from search.
   */
  markSourceFileFailed(file: Omit<SourceFileRow, 'status' | 'documentCount'>): void;

  /** Marks an unchanged file as seen (its mtime may have moved while its bytes did not). */
  touchSourceFile(path: string, mtimeMs: number, size: number): void;

  removeSourceFiles(paths: string[]): void;

  /** Every chunk in document order, for (re)building the derived indexes. */
  iterateChunks(): IterableIterator<StoredChunk>;

  /** The row keys of the csv/jsonl documents held (see `Document.rowKey`). */
  rowKeys(): string[];

  chunksByIds(ids: string[]): Map<string, StoredChunk>;

  /** The chunks of one document in reading order (empty for an unknown id). */
  chunksOfDocument(documentId: string): StoredChunk[];

  /** One document with its text and its chunks in order, or undefined when there is none with that id. Checks no access. */
  readDocument(documentId: string): StoredDocument | undefined;

  /**
   * Gives an ingested file's documents `groups` (the file's groups by the sync rules, or its
   * override), except documents with an override of their own; bumps the generation when any
   * document's groups changed. Returns how many documents changed. Text and chunks are untouched.
   */
  applySourceFileGroups(path: string, groups: readonly string[]): number;

  /**
   * Records (or, with `null`, removes) groups an admin or an upload gave a source file or one
   * document, which take precedence over the sync rules. For a document, also applies them (or its
   * file's groups again) at once, bumping the generation when they changed.
   */
  setAccessOverride(kind: 'file' | 'document', target: string, groups: readonly string[] | null): void;

  /** Source file path → the groups an upload or admin gave it. */
  fileAccessOverrides(): Map<string, string[]>;

  /** A document's source file and access groups, or undefined when there is no such document. */
  documentAccess(documentId: string): { sourcePath: string; groups: string[] } | undefined;

  /** Each chunk of a document that has access groups, with those groups (JSON, as stored). */
  iterateRestrictedChunks(): IterableIterator<{ chunkId: string; groups: string }>;

  /** Documents readable under `access` (all without it), in path then id order. */
  documents(options?: { access?: AccessFilter; offset?: number; limit?: number }): DocumentSummary[];

  /**
   * How many documents carry groups, and how many carry each group; under `access`, only among the
   * documents it may read, and only the groups it holds.
   */
  accessSummary(access?: AccessFilter): { restrictedDocuments: number; documentsByGroup: Record<string, number> };

  /** Chunk text hashes that have no embedding yet for `modelId` (unique; unchanged chunks reuse theirs). */
  textsMissingEmbeddings(modelId: string): Array<{ textHash: string; text: string }>;

  saveEmbeddings(modelId: string, items: Array<{ textHash: string; vector: Float32Array }>): void;

  /** Chunk id → embedding, for every chunk that has one under `modelId`, in chunk id order. */
  iterateChunkEmbeddings(modelId: string): IterableIterator<{ chunkId: string; vector: Float32Array }>;

  /** Drops cached embeddings no chunk refers to any more; returns how many. */
  pruneEmbeddings(): number;

  /**
   * What the store holds; under `access`, only what that caller may read: its readable documents,
   * their chunks and characters, the source files that gave them, and the embeddings of their
   * chunks. A failed file has no readable document, so it counts only without `access`.
   */
  counts(access?: AccessFilter): StoreCounts;

  startRun(): number;
  /** `refused`: the run stopped before changing anything (the mass-removal guard). */
  finishRun(id: number, status: 'completed' | 'completed-with-errors' | 'refused', counters: unknown): void;
  /** The most recent ingest runs, newest first; a run left `running` was interrupted. */
  recentRuns(limit?: number): IngestRun[];
}
