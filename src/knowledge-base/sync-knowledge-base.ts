import path from 'node:path';
import { ACCESS_RULES_FILE } from '../access/index.js';
import type { Chunker } from '../chunking/index.js';
import { contentHash, type Document } from '../documents/index.js';
import { HangjiaError } from '../errors/index.js';
import { embedMany, type EmbeddingModel } from '../models/index.js';
import { hashFile, listSourceFiles, readSourceFile, type SourceFile, type SourceOptions } from '../sources/index.js';
import type { DocumentWithChunks, KnowledgeBaseStore, SourceFileRow } from './knowledge-base-store.js';

/** `rows`: documents of one large csv/jsonl file, within `ingest` (see `SyncOptions.rowBatchSize`). */
/** `vectors`: writing changed vectors to an external vector store (docs/vectors.md). */
export type SyncPhase = 'scan' | 'ingest' | 'rows' | 'embed' | 'index' | 'topics' | 'vectors';

export interface SyncProgress {
  phase: SyncPhase;
  done: number;
  total: number;
  /** The file being read, during `ingest` and `rows`. */
  path?: string;
}

/** One input that did not make it into the knowledge base, and why. */
export interface SyncProblem {
  path: string;
  code: string;
  message: string;
}

/**
 * Accounts for every input (the Anserini habit): each file found is added, updated, unchanged or
 * failed; each file gone is removed; each path not ingested is skipped with a reason.
 */
export interface SyncCounters {
  filesFound: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: number;
  skipped: number;
  documentsWritten: number;
  /** Documents of large files that an interrupted sync had stored already: kept, not chunked again. */
  documentsResumed: number;
  chunksWritten: number;
  chunksEmbedded: number;
  /** Documents of unchanged files whose access groups changed (updated in place, not re-read). */
  accessChanged: number;
  failures: SyncProblem[];
  skippedInputs: SyncProblem[];
  /** Non-fatal problems inside files that were ingested (e.g. a malformed JSONL line). */
  warnings: SyncProblem[];
}

export interface SyncOptions {
  sources: string[];
  sourceOptions: SourceOptions;
  chunker: Chunker;
  embeddingModel?: EmbeddingModel;
  embeddingModelId?: string;
  /** Put before each chunk's text when it is embedded (see `KnowledgeBaseComponents.embeddingPrefixes`). */
  documentPrefix?: string;
  /**
   * The access groups a file's documents carry (see `access/`). Asked for every file before
   * anything is written, so a bad rules file stops the sync with nothing changed. Default: none.
   */
  accessGroupsFor?: (file: SourceFile) => readonly string[];
  onProgress?: (progress: SyncProgress) => void;
  signal?: AbortSignal;
  /**
   * The guard against a vanished source (an unmounted drive, an emptied or renamed folder): a sync
   * that finds no new file and would remove more than this share of the stored documents stops
   * before removing anything (`E_MASS_REMOVAL`), unless `confirmMassRemoval` agrees. 0–1, default
   * {@link DEFAULT_MAX_REMOVAL_SHARE}; 1 turns the guard off.
   */
  maxRemovalShare?: number;
  /**
   * A file with more documents than this (a large csv/jsonl export) is written in batches of
   * this many, each committed, with progress in documents (`rows`): a sync killed mid-file
   * continues after the last batch (default {@link DEFAULT_ROW_BATCH_SIZE}).
   */
  rowBatchSize?: number;
  /** Asked when the guard trips (an interactive "remove them? [y/N]"); without it, the sync fails. */
  confirmMassRemoval?: (removal: MassRemoval) => boolean | Promise<boolean>;
}

/** Rows per committed batch: a second or so of chunking, a kill loses at most that. */
export const DEFAULT_ROW_BATCH_SIZE = 1000;

/** Half the documents: a sync that adds nothing and removes more than this is suspect. */
export const DEFAULT_MAX_REMOVAL_SHARE = 0.5;

/** What a sync that tripped the mass-removal guard would remove. */
export interface MassRemoval {
  files: number;
  documents: number;
  /** Documents stored before this sync. */
  storedDocuments: number;
  sources: string[];
}

/**
 * Brings the store in line with the source files: new and changed files (by content hash) are
 * read, chunked and written one transaction per file; files that disappeared are removed; chunks
 * whose text has no embedding yet are embedded in batches, each batch committed. Killed at any
 * point, the store holds whole files only, and running it again finishes the job.
 */
export async function syncSourceFiles(store: KnowledgeBaseStore, options: SyncOptions): Promise<SyncCounters> {
  const counters: SyncCounters = {
    filesFound: 0, added: 0, updated: 0, unchanged: 0, removed: 0, failed: 0, skipped: 0,
    documentsWritten: 0, documentsResumed: 0, chunksWritten: 0, chunksEmbedded: 0, accessChanged: 0, failures: [], skippedInputs: [], warnings: [],
  };
  options.onProgress?.({ phase: 'scan', done: 0, total: options.sources.length });
  const listing = await listSourceFiles(options.sources, options.sourceOptions);
  counters.filesFound = listing.files.length;
  // Permissions first: a rules file that does not parse must stop the sync before any change.
  const groupsByPath = new Map(listing.files.map((file) => [file.path, options.accessGroupsFor?.(file) ?? []]));
  for (const skipped of listing.skipped) {
    // The rules file is configuration, read above; it is not an input that was passed over.
    if (path.basename(skipped.path) === ACCESS_RULES_FILE) continue;
    counters.skipped += 1;
    counters.skippedInputs.push({ path: skipped.path, code: skipped.reason, message: skipped.message });
  }

  const known = new Map(store.sourceFiles().map((row) => [row.path, row]));
  const present = new Set(listing.files.map((file) => file.path));
  const gone = [...known.keys()].filter((path) => !present.has(path));
  await guardMassRemoval(gone.map((path) => known.get(path)!), [...known.values()], listing.files.some((file) => !known.has(file.path)), options);
  store.removeSourceFiles(gone);
  counters.removed = gone.length;

  const partial = store.partialFiles();
  let done = 0;
  for (const file of listing.files) {
    options.signal?.throwIfAborted();
    options.onProgress?.({ phase: 'ingest', done, total: listing.files.length, path: file.path });
    await syncOneFile(store, file, known.get(file.path), partial.get(file.path), groupsByPath.get(file.path)!, options, counters);
    done += 1;
  }
  options.onProgress?.({ phase: 'ingest', done, total: listing.files.length });

  if (options.embeddingModel && options.embeddingModelId) {
    counters.chunksEmbedded = await embedMissingChunks(store, options.embeddingModel, options.embeddingModelId, options);
  }
  return counters;
}

/**
 * Stops a sync that adds no file and would remove more than `maxRemovalShare` of the stored
 * documents, before anything is removed: an empty source folder is far more often an unmounted
 * drive or a typo than a wish to empty the knowledge base.
 */
async function guardMassRemoval(gone: SourceFileRow[], stored: SourceFileRow[], addsFiles: boolean, options: SyncOptions): Promise<void> {
  if (gone.length === 0 || addsFiles) return;
  const share = options.maxRemovalShare ?? DEFAULT_MAX_REMOVAL_SHARE;
  const storedDocuments = stored.reduce((sum, row) => sum + row.documentCount, 0);
  const documents = gone.reduce((sum, row) => sum + row.documentCount, 0);
  // A knowledge base of failed files only has no documents to lose: count files instead.
  const removedShare = storedDocuments === 0 ? gone.length / stored.length : documents / storedDocuments;
  if (removedShare <= share) return;
  const removal: MassRemoval = { files: gone.length, documents, storedDocuments, sources: options.sources };
  if (options.confirmMassRemoval && (await options.confirmMassRemoval(removal))) return;
  throw new HangjiaError(
    'E_MASS_REMOVAL',
    `This sync would remove ${documents} of ${storedDocuments} documents (${gone.length} of ${stored.length} files) and add nothing: ${options.sources.join(', ')} look${options.sources.length === 1 ? 's' : ''} empty or incomplete (an unmounted drive, a moved folder?). Nothing was removed. If the files really are gone, run again with --allow-mass-removal (or raise ingest.maxRemovalShare, now ${share}).`,
    { details: { ...removal, maxRemovalShare: share } },
  );
}

async function syncOneFile(
  store: KnowledgeBaseStore,
  file: SourceFile,
  previous: SourceFileRow | undefined,
  partial: { fileHash: string; documentsDone: number } | undefined,
  accessGroups: readonly string[],
  options: SyncOptions,
  counters: SyncCounters,
): Promise<void> {
  const base = { path: file.path, root: file.root, relativePath: file.relativePath, format: file.format, size: file.size, mtimeMs: file.mtimeMs };
  // A file an interrupted sync was writing in batches is never "unchanged": it is not all there.
  const complete = previous?.status === 'indexed' && partial === undefined;
  // Same size and mtime as a file that ingested fine: trust it without reading (what rsync and make do).
  // Groups are written only when they changed: a sync with nothing to do stays read-only.
  const applyGroups = (): void => {
    if (!sameGroups(previous?.accessGroups ?? [], accessGroups)) counters.accessChanged += store.applySourceFileGroups(file.path, accessGroups);
  };
  if (complete && previous.size === file.size && previous.mtimeMs === file.mtimeMs) {
    applyGroups();
    counters.unchanged += 1;
    return;
  }
  let fileHash: string | null = null;
  try {
    fileHash = await hashFile(file.path);
    if (complete && previous.fileHash === fileHash) {
      store.touchSourceFile(file.path, file.mtimeMs, file.size);
      applyGroups();
      counters.unchanged += 1;
      return;
    }
    const read = await readSourceFile(file, options.sourceOptions);
    for (const warning of read.warnings) counters.warnings.push({ path: file.path, code: warning.reason, message: warning.message });
    const chunked = (document: Document): DocumentWithChunks => ({
      document,
      chunks: chunkContained(options.chunker, document, file).map((chunk) => ({ chunk, textHash: contentHash(chunk.text) })),
    });
    const batchSize = options.rowBatchSize ?? DEFAULT_ROW_BATCH_SIZE;
    if (read.documents.length > batchSize) {
      // The same bytes give the same documents in the same order, so the stored ones can be skipped by count.
      const resumeAt = partial?.fileHash === fileHash && partial.documentsDone < read.documents.length ? partial.documentsDone : 0;
      await writeInBatches(store, { ...base, fileHash }, read.documents, resumeAt, batchSize, chunked, accessGroups, options, counters);
    } else {
      const documents = read.documents.map(chunked);
      store.replaceSourceFile({ ...base, fileHash }, documents, accessGroups);
      counters.documentsWritten += documents.length;
      counters.chunksWritten += documents.reduce((sum, item) => sum + item.chunks.length, 0);
    }
    // A file an interrupted sync had begun is finished now: added, as it was not there whole before.
    if (complete || (previous?.status === 'failed' && partial === undefined)) counters.updated += 1;
    else counters.added += 1;
  } catch (error) {
    if (!HangjiaError.is(error)) throw error;
    store.discardPartialFile(file.path);
    store.markSourceFileFailed({ ...base, fileHash, errorCode: error.code, errorMessage: error.message });
    // Its last good documents stay searchable, so they must carry the groups the rules give now.
    applyGroups();
    counters.failed += 1;
    counters.failures.push({ path: file.path, code: error.code, message: error.message });
  }
}

/** Chunks one document; an exception inside the chunker fails this file (named), not the whole sync. */
function chunkContained(chunker: Chunker, document: Document, file: SourceFile): ReturnType<Chunker['chunk']> {
  try {
    return chunker.chunk(document);
  } catch (error) {
    if (HangjiaError.is(error)) throw error;
    throw new HangjiaError('E_CHUNK_FAILED', `Cannot chunk ${file.path} (document ${document.id}): ${(error as Error).message}. This is a bug — please report it; the other files are ingested.`, {
      details: { path: file.path, documentId: document.id },
      cause: error,
    });
  }
}

/** Chunks and commits `documents` from `resumeAt` on, `batchSize` at a time, reporting `rows` progress. */
async function writeInBatches(
  store: KnowledgeBaseStore,
  file: Parameters<KnowledgeBaseStore['writeSourceFileBatch']>[0],
  documents: Document[],
  resumeAt: number,
  batchSize: number,
  chunked: (document: Document) => DocumentWithChunks,
  accessGroups: readonly string[],
  options: SyncOptions,
  counters: SyncCounters,
): Promise<void> {
  counters.documentsResumed += resumeAt;
  options.onProgress?.({ phase: 'rows', done: resumeAt, total: documents.length, path: file.path });
  for (let start = resumeAt; start < documents.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const batch = documents.slice(start, start + batchSize).map(chunked);
    const last = start + batch.length >= documents.length;
    store.writeSourceFileBatch(file, batch, { documentsDone: start, last }, accessGroups);
    counters.documentsWritten += batch.length;
    counters.chunksWritten += batch.reduce((sum, item) => sum + item.chunks.length, 0);
    options.onProgress?.({ phase: 'rows', done: start + batch.length, total: documents.length, path: file.path });
    // Let a Ctrl-C (or a reader in this process) in between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function embedMissingChunks(store: KnowledgeBaseStore, model: EmbeddingModel, modelId: string, options: SyncOptions): Promise<number> {
  const missing = store.textsMissingEmbeddings(modelId);
  const batchSize = Math.max(1, model.maxEmbeddingsPerCall) * 4;
  let done = 0;
  options.onProgress?.({ phase: 'embed', done, total: missing.length });
  for (let start = 0; start < missing.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const batch = missing.slice(start, start + batchSize);
    const prefix = options.documentPrefix ?? '';
    const { embeddings } = await embedMany(model, batch.map((item) => `${prefix}${item.text}`), options.signal ? { abortSignal: options.signal } : {});
    store.saveEmbeddings(modelId, batch.map((item, index) => ({ textHash: item.textHash, vector: embeddings[index]! })));
    done += batch.length;
    options.onProgress?.({ phase: 'embed', done, total: missing.length });
  }
  store.pruneEmbeddings();
  return done;
}

/** Both lists are sorted and free of duplicates (see `normalizeAccessGroups`). */
function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((group, index) => group === b[index]);
}
