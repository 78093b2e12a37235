import type { AccessFilter } from '../../access/index.js';
import type {
  DocumentSummary,
  DocumentWithChunks,
  IngestRun,
  KnowledgeBaseStore,
  SourceFileBatchInput,
  SourceFileInput,
  SourceFileRow,
  StoreCounts,
  StoredChunk,
  StoredDocument,
} from './knowledge-base-store.js';
import { POSTGRES_PAGE_SIZE, type PostgresStoreBackend, type PostgresStoreOptions } from './postgres-backend.js';
import { parsePostgresStoreUrl } from './postgres-connection.js';
import { SyncWorkerBridge } from './sync-bridge.js';

/** The backend's methods as the bridge calls them: same names, results unwrapped from their promises. */
type BackendCall = {
  [K in keyof PostgresStoreBackend]: PostgresStoreBackend[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;
};

/** Connecting and migrating may take a while on a cold server; later calls have the bridge's own limit. */
const OPEN_TIMEOUT_MS = 60_000;

/**
 * The knowledge-base store in PostgreSQL, synchronous like the SQLite one: each call is sent to a
 * worker thread that owns a `pg` client and runs it on a {@link PostgresStoreBackend} (one
 * transaction per write, as SQLite), while the caller blocks (see `sync-bridge.ts`). Iterators
 * read pages of {@link POSTGRES_PAGE_SIZE} rows, so a million chunks never sit in one message.
 * `close()` ends the worker.
 *
 * @example
 * const store = PostgresKnowledgeBaseStore.open({ url: 'postgres://hangjia@db:5432/kb', knowledgeBase: 'laws', create: true });
 * store.counts().documents;
 * store.close();
 */
export class PostgresKnowledgeBaseStore implements KnowledgeBaseStore {
  readonly kind = 'postgres';
  readonly readOnly: boolean;
  readonly knowledgeBase: string;
  private readonly bridge: SyncWorkerBridge;

  private constructor(bridge: SyncWorkerBridge, options: PostgresStoreOptions) {
    this.bridge = bridge;
    this.readOnly = options.readOnly ?? false;
    this.knowledgeBase = options.knowledgeBase;
  }

  /** @throws HangjiaError `E_CONFIG`, `E_STORE_CONNECT`, `E_STORE_VERSION`, `E_KB_NOT_FOUND`. */
  static open(options: PostgresStoreOptions): PostgresKnowledgeBaseStore {
    const address = parsePostgresStoreUrl(options.url);
    const bridge = new SyncWorkerBridge(new URL('./_postgres-store-worker.js', import.meta.url), options, `PostgreSQL store at ${address.where}`);
    try {
      bridge.call('open', [], OPEN_TIMEOUT_MS);
    } catch (error) {
      bridge.close();
      throw error;
    }
    return new PostgresKnowledgeBaseStore(bridge, options);
  }

  private call<K extends keyof BackendCall>(method: K, ...args: Parameters<BackendCall[K]>): ReturnType<BackendCall[K]> {
    return this.bridge.call(method, args);
  }

  close(): void {
    this.bridge.close();
  }

  getMeta(key: string): string | undefined {
    return this.call('getMeta', key);
  }

  setMeta(key: string, value: string): void {
    this.call('setMeta', key, value);
  }

  setMetaEntries(entries: Record<string, string>): void {
    this.call('setMetaEntries', entries);
  }

  generation(): number {
    return this.call('generation');
  }

  /** The newest change-log position of this knowledge base (replicas compare it). */
  latestChange(): number {
    return this.call('latestChange');
  }

  pinSnapshot(): void {
    this.call('pinSnapshot');
  }

  releaseSnapshot(): void {
    this.call('releaseSnapshot');
  }

  sourceFiles(): SourceFileRow[] {
    return this.call('sourceFiles');
  }

  replaceSourceFile(file: SourceFileInput, documents: DocumentWithChunks[], accessGroups: readonly string[] = []): void {
    this.call('replaceSourceFile', file, documents, accessGroups);
  }

  partialFiles(): Map<string, { fileHash: string; documentsDone: number }> {
    return this.call('partialFiles');
  }

  writeSourceFileBatch(file: SourceFileBatchInput, documents: DocumentWithChunks[], position: { documentsDone: number; last: boolean }, accessGroups: readonly string[] = []): void {
    this.call('writeSourceFileBatch', file, documents, position, accessGroups);
  }

  discardPartialFile(path: string): void {
    this.call('discardPartialFile', path);
  }

  markSourceFileFailed(file: Omit<SourceFileRow, 'status' | 'documentCount'>): void {
    this.call('markSourceFileFailed', file);
  }

  touchSourceFile(path: string, mtimeMs: number, size: number): void {
    this.call('touchSourceFile', path, mtimeMs, size);
  }

  removeSourceFiles(paths: string[]): void {
    this.call('removeSourceFiles', paths);
  }

  *iterateChunks(): IterableIterator<StoredChunk> {
    let after: { documentId: string; ordinal: number } | null = null;
    for (;;) {
      const page: StoredChunk[] = this.call('chunksPage', after);
      yield* page;
      const last = page.at(-1);
      if (last === undefined || page.length < POSTGRES_PAGE_SIZE) return;
      after = { documentId: last.chunk.documentId, ordinal: last.chunk.index };
    }
  }

  rowKeys(): string[] {
    return this.call('rowKeys');
  }

  chunksByIds(ids: string[]): Map<string, StoredChunk> {
    return this.call('chunksByIds', ids);
  }

  chunksOfDocument(documentId: string): StoredChunk[] {
    return this.call('chunksOfDocument', documentId);
  }

  readDocument(documentId: string): StoredDocument | undefined {
    return this.call('readDocument', documentId);
  }

  applySourceFileGroups(path: string, groups: readonly string[]): number {
    return this.call('applySourceFileGroups', path, groups);
  }

  setAccessOverride(kind: 'file' | 'document', target: string, groups: readonly string[] | null): void {
    this.call('setAccessOverride', kind, target, groups);
  }

  fileAccessOverrides(): Map<string, string[]> {
    return this.call('fileAccessOverrides');
  }

  documentAccess(documentId: string): { sourcePath: string; groups: string[] } | undefined {
    return this.call('documentAccess', documentId);
  }

  *iterateRestrictedChunks(): IterableIterator<{ chunkId: string; groups: string }> {
    let after: string | null = null;
    for (;;) {
      const page: Array<{ chunkId: string; groups: string }> = this.call('restrictedChunksPage', after);
      yield* page;
      const last = page.at(-1);
      if (last === undefined || page.length < POSTGRES_PAGE_SIZE) return;
      after = last.chunkId;
    }
  }

  documents(options: { access?: AccessFilter; offset?: number; limit?: number } = {}): DocumentSummary[] {
    return this.call('documents', options);
  }

  accessSummary(access?: AccessFilter): { restrictedDocuments: number; documentsByGroup: Record<string, number> } {
    return this.call('accessSummary', access);
  }

  textsMissingEmbeddings(modelId: string): Array<{ textHash: string; text: string }> {
    return this.call('textsMissingEmbeddings', modelId);
  }

  saveEmbeddings(modelId: string, items: Array<{ textHash: string; vector: Float32Array }>): void {
    this.call('saveEmbeddings', modelId, items);
  }

  *iterateChunkEmbeddings(modelId: string): IterableIterator<{ chunkId: string; vector: Float32Array }> {
    let after: string | null = null;
    for (;;) {
      const page: Array<{ chunkId: string; vector: Float32Array }> = this.call('chunkEmbeddingsPage', modelId, after);
      yield* page;
      const last = page.at(-1);
      if (last === undefined || page.length < POSTGRES_PAGE_SIZE) return;
      after = last.chunkId;
    }
  }

  pruneEmbeddings(): number {
    return this.call('pruneEmbeddings');
  }

  counts(access?: AccessFilter): StoreCounts {
    return this.call('counts', access);
  }

  startRun(): number {
    return this.call('startRun');
  }

  finishRun(id: number, status: 'completed' | 'completed-with-errors' | 'refused', counters: unknown): void {
    this.call('finishRun', id, status, counters);
  }

  recentRuns(limit = 5): IngestRun[] {
    return this.call('recentRuns', limit);
  }

  /** Deletes the knowledge base and all its rows (PostgreSQL only: under SQLite its folder goes). Closes the store. */
  removeKnowledgeBase(): void {
    this.call('removeKnowledgeBase');
    this.close();
  }
}
