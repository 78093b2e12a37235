import path from 'node:path';
import { ACCESS_RULES_FILE } from '../access/index.js';
import type { Chunker } from '../chunking/index.js';
import { contentHash } from '../documents/index.js';
import { HangjiaError } from '../errors/index.js';
import { embedMany, type EmbeddingModel } from '../models/index.js';
import { hashFile, listSourceFiles, readSourceFile, type SourceFile, type SourceOptions } from '../sources/index.js';
import type { KnowledgeBaseStore, SourceFileRow } from './knowledge-base-store.js';

export type SyncPhase = 'scan' | 'ingest' | 'embed' | 'index' | 'topics';

export interface SyncProgress {
  phase: SyncPhase;
  done: number;
  total: number;
  /** The file being read, during `ingest`. */
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
    documentsWritten: 0, chunksWritten: 0, chunksEmbedded: 0, accessChanged: 0, failures: [], skippedInputs: [], warnings: [],
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
  store.removeSourceFiles(gone);
  counters.removed = gone.length;

  let done = 0;
  for (const file of listing.files) {
    options.signal?.throwIfAborted();
    options.onProgress?.({ phase: 'ingest', done, total: listing.files.length, path: file.path });
    await syncOneFile(store, file, known.get(file.path), groupsByPath.get(file.path)!, options, counters);
    done += 1;
  }
  options.onProgress?.({ phase: 'ingest', done, total: listing.files.length });

  if (options.embeddingModel && options.embeddingModelId) {
    counters.chunksEmbedded = await embedMissingChunks(store, options.embeddingModel, options.embeddingModelId, options);
  }
  return counters;
}

async function syncOneFile(
  store: KnowledgeBaseStore,
  file: SourceFile,
  previous: SourceFileRow | undefined,
  accessGroups: readonly string[],
  options: SyncOptions,
  counters: SyncCounters,
): Promise<void> {
  const base = { path: file.path, root: file.root, relativePath: file.relativePath, format: file.format, size: file.size, mtimeMs: file.mtimeMs };
  // Same size and mtime as a file that ingested fine: trust it without reading (what rsync and make do).
  // Groups are written only when they changed: a sync with nothing to do stays read-only.
  const applyGroups = (): void => {
    if (!sameGroups(previous?.accessGroups ?? [], accessGroups)) counters.accessChanged += store.applySourceFileGroups(file.path, accessGroups);
  };
  if (previous?.status === 'indexed' && previous.size === file.size && previous.mtimeMs === file.mtimeMs) {
    applyGroups();
    counters.unchanged += 1;
    return;
  }
  let fileHash: string | null = null;
  try {
    fileHash = await hashFile(file.path);
    if (previous?.status === 'indexed' && previous.fileHash === fileHash) {
      store.touchSourceFile(file.path, file.mtimeMs, file.size);
      applyGroups();
      counters.unchanged += 1;
      return;
    }
    const read = await readSourceFile(file, options.sourceOptions);
    for (const warning of read.warnings) counters.warnings.push({ path: file.path, code: warning.reason, message: warning.message });
    const documents = read.documents.map((document) => ({
      document,
      chunks: options.chunker.chunk(document).map((chunk) => ({ chunk, textHash: contentHash(chunk.text) })),
    }));
    store.replaceSourceFile({ ...base, fileHash }, documents, accessGroups);
    counters.documentsWritten += documents.length;
    counters.chunksWritten += documents.reduce((sum, item) => sum + item.chunks.length, 0);
    if (previous) counters.updated += 1;
    else counters.added += 1;
  } catch (error) {
    if (!HangjiaError.is(error)) throw error;
    store.markSourceFileFailed({ ...base, fileHash, errorCode: error.code, errorMessage: error.message });
    // Its last good documents stay searchable, so they must carry the groups the rules give now.
    applyGroups();
    counters.failed += 1;
    counters.failures.push({ path: file.path, code: error.code, message: error.message });
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
