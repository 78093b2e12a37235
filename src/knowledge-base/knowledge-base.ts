import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canReadDocument, normalizeAccessGroups, readAccessRules, type AccessFilter, type AccessRules } from '../access/index.js';
import type { Analyzer } from '../analysis/index.js';
import type { Chunker, ChunkingOptions } from '../chunking/index.js';
import { HangjiaError } from '../errors/index.js';
import type { VectorStore, VectorStoreConnector } from '../index/index.js';
import { embedMany, type EmbeddingModel } from '../models/index.js';
import { createLexicalSearch, retrieve, type LexicalSearch, type RetrievalResult, type RetrieveOptions } from '../retrieval/index.js';
import type { SourceFile, SourceOptions } from '../sources/index.js';
import { buildDerivedIndexesInParallel, indexStaleness, loadDerivedIndexes, loadLastCompleteIndexes, readManifest, type DerivedIndexes, type IndexManifest, type IndexRequirements } from './derived-indexes.js';
import { assertHomeIsUsable, assertWritable, databasePath, isWritable, indexDirectory, knowledgeBaseDirectory, listKnowledgeBaseNames as listSqliteKnowledgeBaseNames } from './knowledge-base-paths.js';
import { listPostgresKnowledgeBases } from './store/postgres-catalog.js';
import { PostgresKnowledgeBaseStore } from './store/postgres-store.js';
import { parseStoreUrl, resolveStoreUrl } from './store/store-url.js';
import { SqliteKnowledgeBaseStore, type DocumentSummary, type KnowledgeBaseStore, type StoredChunk } from './knowledge-base-store.js';
import { lexicalParamsOf, rescoringSettingsOf, resolveSearchSettings, retrieveOptionsOf, type SearchSettings } from './search-settings.js';
import { describeWriteLockHolder, tryAcquireWriteLock, writeLockHolder, type WriteLock, type WriteLockHolder } from './write-lock.js';
import { syncSourceFiles, type SyncCounters, type SyncOptions, type SyncProgress } from './sync-knowledge-base.js';
import { syncVectorStore, VECTOR_SYNC_META_KEY, type VectorSyncState } from './vector-sync.js';

/** What `search` says about the index it uses (for a log line; searching goes on either way). */
export interface IndexNotices {
  /** The index is rebuilt first, and why. */
  onRebuild?: (reason: string) => void;
  /** A writer holds the lock: the last complete index is searched, and why it is not current. */
  onStale?: (reason: string) => void;
}

/** How one `sync` runs: progress, cancellation, the mass-removal guard and row batches (see `SyncOptions`). */
export type KnowledgeBaseSyncOptions = Pick<SyncOptions, 'onProgress' | 'signal' | 'maxRemovalShare' | 'confirmMassRemoval' | 'rowBatchSize'>;

/** What a knowledge base remembers about how it was made; `kb sync` reuses it. */
export interface KnowledgeBaseSettings {
  /** Absolute file or folder paths to ingest. */
  sources: string[];
  include: string[];
  exclude: string[];
  maxFileBytes: number;
  chunking: ChunkingOptions;
  rows?: SourceOptions['rows'];
  /** Domain terms the analyzer keeps whole (product names, statute names, jargon). Default: none. */
  userDictionary?: string[];
  /**
   * Access groups every file of the sources carries (`--groups`), besides those a
   * `.hangjia-access.yaml` in a source folder gives it. Default: none (readable by every caller).
   */
  accessGroups?: string[];
}

/**
 * The stage functions a knowledge base is wired with (see `presets/`), or a function that makes
 * them from the knowledge base's own settings (so its analyzer uses its user dictionary whatever
 * the caller's configuration).
 */
export type KnowledgeBaseComponentsSource = KnowledgeBaseComponents | ((settings: KnowledgeBaseSettings) => KnowledgeBaseComponents);

/** The stage functions a knowledge base is wired with. */
export interface KnowledgeBaseComponents {
  analyzer: Analyzer;
  chunker: Chunker;
  /** When set, chunks are embedded on sync and search can be hybrid. */
  embeddingModel?: EmbeddingModel;
  /**
   * Text put before what is embedded, for models trained with instructions: `query` before search
   * queries, `document` before chunks (a different `document` prefix is a different embedding key,
   * so chunks are embedded again). Default: none.
   */
  embeddingPrefixes?: { query?: string; document?: string };
  /**
   * Search settings this knowledge base is opened with (the configuration's `search` section);
   * unset ones keep {@link DEFAULT_SEARCH_SETTINGS}. Resolved once, when the knowledge base opens;
   * a `search` call's options override them for that call only.
   */
  search?: Partial<SearchSettings>;
  /**
   * Where the vectors are searched: absent, the in-process flat index derived beside the lexical
   * one; else an external vector database (Qdrant, Milvus), kept current by `sync` and filtered by
   * access groups inside its own search. See docs/vectors.md.
   */
  vectorStore?: VectorStoreConnector;
}

/**
 * What one `search` call takes: any search setting to change for this call (over those the
 * knowledge base was opened with), plus reranking, notices and an access filter.
 */
export type KnowledgeBaseSearchOptions = Partial<SearchSettings> &
  Pick<RetrieveOptions, 'candidates' | 'reranker' | 'rerankTopN'> &
  IndexNotices & { access?: AccessFilter };

export interface KnowledgeBaseStats {
  name: string;
  directory: string;
  settings: KnowledgeBaseSettings;
  sourceFiles: number;
  failedFiles: Array<{ path: string; code: string | null; message: string | null }>;
  documents: number;
  chunks: number;
  characters: number;
  embeddings: number;
  /** Documents with access groups, and documents per group (under an access filter: among those it reads, its own groups only). */
  access: { restrictedDocuments: number; documentsByGroup: Record<string, number> };
  embeddingModelId: string | null;
  index: IndexManifest | null;
  indexCurrent: boolean;
  /** Why the next search or `kb reindex` rebuilds the indexes, when they are not current. */
  indexStaleReason: string | null;
  databaseBytes: number;
  indexBytes: number;
  lastRuns: ReturnType<KnowledgeBaseStore['recentRuns']>;
  /** The external vector store's last complete sync (absent with the flat index, or before the first sync). */
  vectorStore?: VectorSyncState;
}

/**
 * `provider:model`, the key under which embeddings are cached; with a document prefix,
 * `provider:model+prefix:<its first 12 hex digits of SHA-256>`, since the prefix changes every vector.
 */
export function embeddingModelKey(model: EmbeddingModel, documentPrefix = ''): string {
  const key = `${model.provider}:${model.modelId}`;
  return documentPrefix === '' ? key : `${key}+prefix:${createHash('sha256').update(documentPrefix).digest('hex').slice(0, 12)}`;
}

/**
 * A persistent, searchable knowledge base in one directory: `kb.sqlite` (the source of truth) and
 * `index/` (derived, rebuildable). Open one with `createKnowledgeBase` or `openKnowledgeBase`.
 *
 * @example
 * const kb = createKnowledgeBase({ home, name: 'law', settings: { sources: ['./statutes'], … } }, createDefaultComponents());
 * await kb.sync({ onProgress: console.error });
 * const { hits } = await kb.search('试用期最长多久', { k: 5 });
 * kb.close();
 */
export class KnowledgeBase {
  readonly name: string;
  readonly directory: string;
  readonly store: KnowledgeBaseStore;
  /** The search settings resolved when the knowledge base was opened. */
  readonly searchSettings: Readonly<SearchSettings>;
  private readonly components: KnowledgeBaseComponents;
  private indexes: DerivedIndexes | undefined;
  /** The lexical index of `indexes` with the opened settings' cascade, made on first search. */
  private lexicalSearch: LexicalSearch | undefined;
  private restricted: { generation: number; setOfChunk: Map<string, number>; groupSets: string[][] } | undefined;
  /** Opened external collections by dimension count, and the vector sync running now (one at a time). */
  private readonly openVectorStores = new Map<number, Promise<VectorStore>>();
  private vectorSync: Promise<VectorSyncState | undefined> | undefined;

  constructor(name: string, directory: string, store: KnowledgeBaseStore, components: KnowledgeBaseComponents) {
    this.name = name;
    this.directory = directory;
    this.store = store;
    this.components = components;
    this.searchSettings = resolveSearchSettings(components.search);
  }

  /** The analyzer this knowledge base indexes with; query-side tools (evidence scores, answer checks) must use the same one. */
  get analyzer(): Analyzer {
    return this.components.analyzer;
  }

  get settings(): KnowledgeBaseSettings {
    return JSON.parse(this.store.getMeta('settings') ?? 'null') as KnowledgeBaseSettings;
  }

  private get embeddingModelId(): string | undefined {
    return this.components.embeddingModel ? embeddingModelKey(this.components.embeddingModel, this.components.embeddingPrefixes?.document) : undefined;
  }

  /**
   * Ingests new and changed files, removes deleted ones, embeds changed chunks, and rebuilds the
   * derived indexes. Safe to interrupt and run again. Each file's documents carry the access groups
   * of {@link accessGroupsForFile}; when only those changed, the documents are updated in place.
   */
  async sync(options: KnowledgeBaseSyncOptions = {}): Promise<SyncCounters> {
    const settings = this.settings;
    const runId = this.store.startRun();
    const accessGroupsFor = this.accessGroupsResolver();
    const counters = await syncSourceFiles(this.store, {
      sources: settings.sources,
      sourceOptions: { include: settings.include, exclude: settings.exclude, maxFileBytes: settings.maxFileBytes, ...(settings.rows ? { rows: settings.rows } : {}) },
      chunker: this.components.chunker,
      accessGroupsFor: (file) => accessGroupsFor(file),
      ...(this.components.embeddingModel
        ? { embeddingModel: this.components.embeddingModel, embeddingModelId: this.embeddingModelId!, documentPrefix: this.components.embeddingPrefixes?.document ?? '' }
        : {}),
      ...options,
    }).catch((error: unknown) => {
      // Refused before anything changed: the run is over, not interrupted.
      if (HangjiaError.is(error, 'E_MASS_REMOVAL')) this.store.finishRun(runId, 'refused', error.details);
      throw error;
    });
    if (this.embeddingModelId) this.store.setMeta('embeddingModelId', this.embeddingModelId);
    // Nothing changed (same generation, settings and models, no new vectors): the indexes on disk
    // stand. Rebuilding 58k chunks would cost a no-op sync ten seconds.
    if (counters.chunksEmbedded > 0 || indexStaleness(indexDirectory(this.directory), this.store, this.indexRequirements()) !== undefined) {
      await this.reindex({ onProgress: options.onProgress });
    }
    await this.syncVectors({ onProgress: options.onProgress });
    this.store.finishRun(runId, counters.failed > 0 ? 'completed-with-errors' : 'completed', summarizeCounters(counters));
    return counters;
  }

  /**
   * Rebuilds the derived indexes from the store (after an analyzer upgrade, or to repair them),
   * analyzing on worker threads when the knowledge base is large enough for them to pay.
   */
  async reindex(options: { onProgress?: (progress: SyncProgress) => void } = {}): Promise<IndexManifest> {
    this.indexes = await buildDerivedIndexesInParallel(this.store, indexDirectory(this.directory), {
      ...this.indexRequirements(),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return this.indexes.manifest;
  }

  /**
   * Searches the knowledge base. Lexical by default; hybrid (RRF) when this knowledge base has
   * embeddings from the configured embedding model.
   *
   * With `access`, only documents that caller may read are candidates: the allowed set is given
   * to the lexical and the vector index, which rank within it, so k hits still come back when the
   * best unfiltered ones are restricted. Chunks are checked once more when they are read, so an
   * index older than a change of groups cannot return a document that is restricted now.
   */
  async search(query: string, options: KnowledgeBaseSearchOptions = {}): Promise<RetrievalResult> {
    if (query.trim() === '') throw new HangjiaError('E_USAGE', 'The search query is empty.', { details: { query } });
    const indexes = this.loadIndexes(options);
    const { access, candidates, reranker, rerankTopN } = options;
    const settings = resolveSearchSettings(this.searchSettings, options);
    const lexical = this.lexicalSearchFor(indexes, settings);
    const filter = this.readableChunkFilter(access);
    const model = this.components.embeddingModel;
    const external = this.components.vectorStore ? this.indexedEmbeddingModelId() : undefined;
    const vectorUsable = indexes.vector && model && indexes.manifest.vector?.modelId === this.embeddingModelId;
    const embedQuery = async (text: string): Promise<Float32Array> => (await embedMany(model!, [`${this.components.embeddingPrefixes?.query ?? ''}${text}`])).embeddings[0]!;
    return retrieve(
      query,
      {
        lexical: { search: (text, lexicalOptions) => lexical.search(text, { ...lexicalOptions, ...(filter ? { filter } : {}) }) },
        ...(model && external
          ? {
              // The access rule travels with the query and is applied inside the database's search.
              vector: { search: async (vector, vectorOptions) => (await this.currentVectorStore(vector.length)).search(vector, { ...vectorOptions, ...(access ? { readerGroups: access.groups } : {}) }) },
              embedQuery,
            }
          : vectorUsable
            ? {
                vector: { search: (vector, vectorOptions) => indexes.vector!.search(vector, { ...vectorOptions, ...(filter ? { filter } : {}) }) },
                embedQuery,
              }
            : {}),
        loadChunks: (ids) => this.readableChunks(ids, access),
      },
      { ...retrieveOptionsOf(settings), ...(candidates === undefined ? {} : { candidates }), ...(reranker ? { reranker } : {}), ...(rerankTopN === undefined ? {} : { rerankTopN }) },
    );
  }

  /**
   * The lexical index searched through the cascade `settings` ask for: the one made for the
   * opened settings, kept while the index is; another for a call that changes lexical settings.
   */
  private lexicalSearchFor(indexes: DerivedIndexes, settings: SearchSettings): LexicalSearch {
    const opened = this.searchSettings;
    const sameLexical = settings.k1 === opened.k1 && settings.titleWeight === opened.titleWeight && settings.headingsWeight === opened.headingsWeight;
    const sameRescoring = settings.groupWeight === opened.groupWeight && settings.topicWeight === opened.topicWeight && settings.citationWeight === opened.citationWeight;
    if (sameLexical && sameRescoring) {
      if (this.lexicalSearch?.index !== indexes.lexical) this.lexicalSearch = createLexicalSearch(indexes.lexical, rescoringSettingsOf(opened));
      return this.lexicalSearch;
    }
    return createLexicalSearch(indexes.lexical.withParams(lexicalParamsOf(settings)), rescoringSettingsOf(settings));
  }

  /** A chunk with its document's fields, or undefined when there is none or `access` may not read it. */
  getChunk(id: string, options: { access?: AccessFilter } = {}): StoredChunk | undefined {
    return this.readableChunks([id], options.access).get(id);
  }

  /** The documents `access` may read (all without it), by path then id; `offset`/`limit` page through them. */
  listDocuments(options: { access?: AccessFilter; offset?: number; limit?: number } = {}): DocumentSummary[] {
    return this.store.documents(options);
  }

  /**
   * Sets the access groups every file of the sources carries (`kb sync --groups`; `[]` for none).
   * The next sync applies them, updating documents in place without reading their files again.
   */
  setAccessGroups(groups: readonly string[]): void {
    const normalized = normalizeAccessGroups(groups, '--groups');
    const { accessGroups: _previous, ...settings } = this.settings;
    this.store.setMeta('settings', JSON.stringify(normalized.length === 0 ? settings : { ...settings, accessGroups: normalized }));
  }

  /**
   * Gives one document exactly `groups` (an admin's edit; `[]` makes it readable by everyone), kept
   * across syncs and re-ingests; `null` drops the edit, so the document carries its file's groups
   * again. Takes effect at once; the indexes are rebuilt at the next search or `reindex()`.
   *
   * @throws HangjiaError `E_DOCUMENT_NOT_FOUND`, `E_ACCESS_GROUP`.
   */
  setDocumentGroups(documentId: string, groups: readonly string[] | null): string[] {
    if (this.store.documentAccess(documentId) === undefined) {
      throw new HangjiaError('E_DOCUMENT_NOT_FOUND', `Knowledge base "${this.name}" has no document ${documentId}.`, { details: { name: this.name, documentId } });
    }
    this.store.setAccessOverride('document', documentId, groups === null ? null : normalizeAccessGroups(groups, `the groups of document ${documentId}`));
    return this.store.documentAccess(documentId)!.groups;
  }

  /**
   * Gives the source file at `filePath` exactly `groups` (an upload's groups field), in place of
   * what `--groups` and the rules file would give it, kept across syncs; `null` drops that. Call it
   * before the sync that ingests an uploaded file; a file already ingested changes at once.
   *
   * @throws HangjiaError `E_ACCESS_GROUP`, `E_ACCESS_RULES`.
   */
  setSourceFileGroups(filePath: string, groups: readonly string[] | null): void {
    const absolute = path.resolve(filePath);
    this.store.setAccessOverride('file', absolute, groups === null ? null : normalizeAccessGroups(groups, `the groups of ${absolute}`));
    const row = this.store.sourceFiles().find((file) => file.path === absolute);
    if (row) this.store.applySourceFileGroups(absolute, this.accessGroupsResolver()(row));
  }

  /**
   * The groups a source file's documents carry: its override (upload, admin) if it has one, else
   * the knowledge base's `accessGroups` plus those the rules file of its source folder gives it.
   */
  accessGroupsForFile(file: Pick<SourceFile, 'path' | 'root' | 'relativePath'>): string[] {
    return this.accessGroupsResolver()(file);
  }

  /** Whether `search` can use vectors: an embedding model is configured and the chunks are embedded with it. */
  hasVectorSearch(): boolean {
    if (this.components.embeddingModel === undefined) return false;
    if (this.components.vectorStore) return this.indexedEmbeddingModelId() !== undefined;
    return this.loadIndexes().vector !== undefined;
  }

  /**
   * Counts and state. Under `access`, counts cover only what that caller may read, failed files
   * are not listed (their paths are no reader's business), and the index's most-cited titles are
   * left out when some document is hidden from it.
   */
  stats(options: { access?: AccessFilter } = {}): KnowledgeBaseStats {
    const { access } = options;
    const counts = this.store.counts(access);
    let manifest = readManifest(indexDirectory(this.directory)) ?? null;
    const hidesDocuments = access !== undefined && counts.documents < this.store.counts().documents;
    if (manifest && hidesDocuments) {
      // Whole-index figures would count, and name, what this caller may not read.
      const { mostCited: _mostCited, citedGroups: _citedGroups, ...lexical } = manifest.lexical;
      manifest = {
        ...manifest,
        lexical: { ...lexical, chunks: counts.chunks },
        ...(manifest.vector ? { vector: { ...manifest.vector, chunks: counts.chunks } } : {}),
      };
    }
    const failed = access === undefined ? this.store.sourceFiles().filter((row) => row.status === 'failed') : [];
    const staleReason = indexStaleness(indexDirectory(this.directory), this.store, this.indexRequirements());
    return {
      name: this.name,
      directory: this.directory,
      settings: this.settings,
      sourceFiles: counts.sourceFiles,
      failedFiles: failed.map((row) => ({ path: row.path, code: row.errorCode, message: row.errorMessage })),
      documents: counts.documents,
      chunks: counts.chunks,
      characters: counts.characters,
      embeddings: counts.embeddings,
      access: this.store.accessSummary(access),
      embeddingModelId: this.store.getMeta('embeddingModelId') ?? null,
      index: manifest,
      indexCurrent: staleReason === undefined,
      indexStaleReason: staleReason ?? null,
      databaseBytes: directorySize(this.directory, (file) => file.startsWith('kb.sqlite')),
      indexBytes: directorySize(indexDirectory(this.directory)),
      lastRuns: hidesDocuments ? [] : this.store.recentRuns(3),
      ...(this.components.vectorStore && !hidesDocuments && this.vectorSyncState() ? { vectorStore: this.vectorSyncState()! } : {}),
    };
  }

  close(): void {
    // Collections stay; only their connections are released (nothing to wait for: the store closes next).
    for (const opened of this.openVectorStores.values()) void opened.then((vectors) => vectors.close()).catch(() => {});
    this.openVectorStores.clear();
    this.store.close();
  }

  /**
   * Brings the external vector store in line with the store (see `syncVectorStore`): after every
   * `sync`, and before a search when the store has changed since (an admin's group edit, a sync
   * that died before this step). Nothing to do without an external store or embeddings, or on a
   * read-only knowledge base (it cannot record the result; the post-read access check still holds).
   */
  async syncVectors(options: { onProgress?: (progress: SyncProgress) => void } = {}): Promise<VectorSyncState | undefined> {
    const modelId = this.indexedEmbeddingModelId();
    if (!this.components.vectorStore || !modelId || this.store.readOnly) return undefined;
    // One at a time: a second caller waits for the running sync and then checks again.
    while (this.vectorSync) await this.vectorSync.catch(() => undefined);
    if (this.vectorsCurrent()) return this.vectorSyncState();
    this.vectorSync = (async () => {
      const dimensions = firstEmbeddingLength(this.store, modelId);
      if (dimensions === undefined) return undefined;
      const state = await syncVectorStore(this.store, await this.currentVectorStore(dimensions, false), modelId, this.components.vectorStore!.location, options.onProgress);
      this.store.setMeta(VECTOR_SYNC_META_KEY, JSON.stringify(state));
      return state;
    })();
    try {
      return await this.vectorSync;
    } finally {
      this.vectorSync = undefined;
    }
  }

  /**
   * Whether the last recorded vector sync reflects the store now, in this server and for this
   * model: switching servers or models makes the next sync or search push everything again.
   */
  private vectorsCurrent(): boolean {
    const state = this.vectorSyncState();
    return (
      state !== undefined &&
      state.generation === this.store.generation() &&
      state.location === this.components.vectorStore?.location &&
      state.embeddingModelId === this.indexedEmbeddingModelId()
    );
  }

  private vectorSyncState(): VectorSyncState | undefined {
    const recorded = this.store.getMeta(VECTOR_SYNC_META_KEY);
    return recorded === undefined ? undefined : (JSON.parse(recorded) as VectorSyncState);
  }

  /** The external collection for this knowledge base, its model and `dimensions`; brought up to date first unless `converge` is false. */
  private async currentVectorStore(dimensions: number, converge = true): Promise<VectorStore> {
    // A writer holding the lock converges the collection itself when it finishes; a search does not write beside it.
    if (converge && !this.vectorsCurrent() && writeLockHolder(this.directory) === undefined) await this.syncVectors();
    let opened = this.openVectorStores.get(dimensions);
    if (!opened) {
      opened = this.components.vectorStore!.open({ knowledgeBase: this.name, embeddingModelId: this.indexedEmbeddingModelId()!, dimensions });
      // A failed open (server down) is not cached: the next search tries again.
      opened.catch(() => this.openVectorStores.delete(dimensions));
      this.openVectorStores.set(dimensions, opened);
    }
    return opened;
  }

  /** The chunks among `ids` that exist and `access` may read; each shows only the groups the caller holds, as listings do. */
  private readableChunks(ids: string[], access: AccessFilter | undefined): Map<string, StoredChunk> {
    const found = this.store.chunksByIds(ids);
    if (access === undefined) return found;
    for (const [id, stored] of found) {
      if (!canReadDocument(stored.documentGroups, access)) found.delete(id);
      else stored.documentGroups = stored.documentGroups.filter((group) => access.groups.includes(group));
    }
    return found;
  }

  /**
   * Chunk id → may `access` read it, for the indexes to rank within; undefined when `access` may
   * read every chunk. Built per store generation from the chunks of documents with groups (one entry per
   * distinct set of groups), so a search costs a map lookup per candidate.
   */
  private readableChunkFilter(access: AccessFilter | undefined): ((chunkId: string) => boolean) | undefined {
    if (access === undefined) return undefined;
    const generation = this.store.generation();
    if (this.restricted?.generation !== generation) {
      const setOfChunk = new Map<string, number>();
      const setIndex = new Map<string, number>();
      const groupSets: string[][] = [];
      for (const { chunkId, groups } of this.store.iterateRestrictedChunks()) {
        let index = setIndex.get(groups);
        if (index === undefined) {
          index = groupSets.push(JSON.parse(groups) as string[]) - 1;
          setIndex.set(groups, index);
        }
        setOfChunk.set(chunkId, index);
      }
      this.restricted = { generation, setOfChunk, groupSets };
    }
    const { setOfChunk, groupSets } = this.restricted;
    if (groupSets.length === 0) return undefined;
    const allowed = groupSets.map((groups) => canReadDocument(groups, access));
    // A caller who may read every restricted document needs no filter (nor its cost).
    if (allowed.every(Boolean)) return undefined;
    return (chunkId) => {
      const index = setOfChunk.get(chunkId);
      return index === undefined || allowed[index]!;
    };
  }

  /** Rules files are read once per call of the resolver (one sync), per source folder. */
  private accessGroupsResolver(): (file: Pick<SourceFile, 'path' | 'root' | 'relativePath'>) => string[] {
    const settings = this.settings;
    const base = normalizeAccessGroups(settings.accessGroups ?? [], 'the knowledge base\'s accessGroups');
    const overrides = this.store.fileAccessOverrides();
    const rulesByRoot = new Map<string, AccessRules | undefined>();
    return (file) => {
      const override = overrides.get(file.path);
      if (override) return override;
      if (!rulesByRoot.has(file.root)) rulesByRoot.set(file.root, readAccessRules(file.root));
      const fromRules = rulesByRoot.get(file.root)?.groupsFor(file.relativePath) ?? [];
      return fromRules.length === 0 ? [...base] : [...new Set([...base, ...fromRules])].sort();
    };
  }

  /**
   * The indexes to search: current ones from memory or disk; else, while a writer holds the write
   * lock, the last complete ones (a search never builds an index under a writer, which would race
   * it and answer from half its work); else rebuilt under the lock.
   */
  private loadIndexes(notices: IndexNotices = {}): DerivedIndexes {
    if (this.indexes && this.indexes.manifest.generation === this.store.generation()) return this.indexes;
    const directory = indexDirectory(this.directory);
    const requirements = this.indexRequirements();
    // Opening read-only is about SQLite; whether a rebuilt index can be saved depends on the folder.
    const persist = !this.store.readOnly || isWritable(directory);
    const { onRebuild } = notices;
    const building = { ...requirements, persist, ...(onRebuild ? { onRebuild: persist ? onRebuild : (reason: string) => onRebuild(`${reason}; the knowledge base is read-only, so the rebuilt index is used in memory and not saved`) } : {}) };
    const stale = indexStaleness(directory, this.store, requirements);
    // Current on disk, or nowhere to save a rebuild (no hangjia can be writing a read-only knowledge base).
    if (stale === undefined || !persist) {
      this.indexes = loadDerivedIndexes(this.store, directory, building);
      return this.indexes;
    }
    let lock: WriteLock | undefined;
    try {
      lock = tryAcquireWriteLock(this.directory, 'search (rebuilding the index)');
    } catch (error) {
      // No lock to be had (a read-only folder): nobody can be writing through hangjia either.
      if (!HangjiaError.is(error, 'E_KB_LOCK')) throw error;
    }
    const holder = lock === undefined ? writeLockHolder(this.directory) : undefined;
    if (holder !== undefined) return this.lastCompleteIndexes(stale, holder, notices);
    try {
      this.indexes = loadDerivedIndexes(this.store, directory, building);
    } finally {
      lock?.release();
    }
    return this.indexes;
  }

  private lastCompleteIndexes(stale: string, holder: WriteLockHolder, notices: IndexNotices): DerivedIndexes {
    const last = this.indexes ?? loadLastCompleteIndexes(indexDirectory(this.directory), this.indexRequirements());
    if (!last) {
      throw new HangjiaError(
        'E_KB_BUSY',
        `Knowledge base "${this.name}" has no complete index yet and ${describeWriteLockHolder(holder)} is writing to it. Search again when it finishes.`,
        { details: { name: this.name, holder } },
      );
    }
    notices.onStale?.(`${describeWriteLockHolder(holder)} is updating it (${stale}); searching the last complete index, built ${last.manifest.builtAt}`);
    if (!this.indexes) this.indexes = last;
    return last;
  }

  /** What the derived indexes must be built with: this knowledge base's analyzer, lexical settings and embedding model. */
  private indexRequirements(): IndexRequirements {
    // With an external vector store the vectors live there: no flat index is derived.
    const modelId = this.components.vectorStore ? undefined : this.indexedEmbeddingModelId();
    return {
      analyzer: this.components.analyzer,
      lexicalParams: lexicalParamsOf(this.searchSettings),
      ...(modelId ? { embeddingModelId: modelId } : {}),
    };
  }

  /** The model whose vectors go into the vector index: the configured one, if the store has its embeddings. */
  private indexedEmbeddingModelId(): string | undefined {
    const configured = this.embeddingModelId;
    return configured && this.store.getMeta('embeddingModelId') === configured ? configured : undefined;
  }
}

/** Creates a knowledge base directory and records its settings. Call `sync()` to ingest. */
export function createKnowledgeBase(
  options: { home: string; name: string; settings: KnowledgeBaseSettings; overwrite?: boolean } & StoreSelection,
  components: KnowledgeBaseComponentsSource,
): KnowledgeBase {
  const directory = knowledgeBaseDirectory(options.home, options.name);
  const storeUrl = resolveStoreUrl(options.home, options.storeUrl);
  if (storeUrl !== undefined) return createPostgresKnowledgeBase({ ...options, storeUrl }, directory, components);
  assertWritable(directory, 'create a knowledge base in');
  if (fs.existsSync(databasePath(directory)) && !options.overwrite) {
    throw new HangjiaError(
      'E_KB_EXISTS',
      `Knowledge base "${options.name}" already exists in ${directory}. Update it with "hangjia kb sync ${options.name}", or recreate it with --force.`,
      { details: { name: options.name, path: directory } },
    );
  }
  // Checked before an existing knowledge base is replaced: a typo must not cost the old one.
  for (const source of options.settings.sources) {
    if (!fs.existsSync(source)) {
      throw new HangjiaError('E_PATH_NOT_FOUND', `Source path does not exist: ${source}`, { details: { path: source } });
    }
  }
  if (fs.existsSync(databasePath(directory))) discardDirectory(directory);
  fs.mkdirSync(directory, { recursive: true });
  // Made under another name and renamed into place: killed half-way, a knowledge base either
  // exists with its settings or not at all (no kb.sqlite that `kb sync` cannot read).
  const draft = path.join(directory, 'kb.sqlite.creating');
  for (const file of [draft, `${draft}-wal`, `${draft}-shm`]) fs.rmSync(file, { force: true });
  const draftStore = SqliteKnowledgeBaseStore.open(draft, { create: true });
  draftStore.setMetaEntries({ name: options.name, createdAt: new Date().toISOString(), settings: JSON.stringify(options.settings) });
  draftStore.close();
  fs.renameSync(draft, databasePath(directory));
  const store = SqliteKnowledgeBaseStore.open(databasePath(directory), { create: false });
  return new KnowledgeBase(options.name, directory, store, resolveComponents(components, options.settings));
}

/**
 * Which store holds the knowledge bases: `storeUrl` (the `store.url` setting) names a PostgreSQL
 * database; unset, each knowledge base is a SQLite file under `home` (see `resolveStoreUrl` for the
 * test harness's own URL).
 */
export interface StoreSelection {
  storeUrl?: string | undefined;
}

/**
 * Registers a knowledge base in PostgreSQL and records its settings; its folder under `home` only
 * caches derived indexes (and holds the write lock until the database lock replaces it).
 */
function createPostgresKnowledgeBase(
  options: { home: string; name: string; settings: KnowledgeBaseSettings; overwrite?: boolean; storeUrl: string },
  directory: string,
  components: KnowledgeBaseComponentsSource,
): KnowledgeBase {
  const exists = knowledgeBaseExists(options);
  if (exists && !options.overwrite) {
    throw new HangjiaError(
      'E_KB_EXISTS',
      `Knowledge base "${options.name}" already exists in the PostgreSQL store ${parseStoreUrl(options.storeUrl).display}. Update it with "hangjia kb sync ${options.name}", or recreate it with --force.`,
      { details: { name: options.name, store: parseStoreUrl(options.storeUrl).display } },
    );
  }
  for (const source of options.settings.sources) {
    if (!fs.existsSync(source)) throw new HangjiaError('E_PATH_NOT_FOUND', `Source path does not exist: ${source}`, { details: { path: source } });
  }
  if (exists) removeKnowledgeBase(options);
  fs.mkdirSync(directory, { recursive: true });
  const store = PostgresKnowledgeBaseStore.open({ url: options.storeUrl, knowledgeBase: options.name, create: true });
  store.setMetaEntries({ name: options.name, createdAt: new Date().toISOString(), settings: JSON.stringify(options.settings) });
  return new KnowledgeBase(options.name, directory, store, resolveComponents(components, options.settings));
}

/**
 * Deletes a knowledge base folder by first moving it to `<home>/kb/.trash/` (one rename): killed
 * half-way, the knowledge base is gone or whole, never half-deleted under its name.
 */
function discardDirectory(directory: string): void {
  const trash = path.join(path.dirname(directory), '.trash');
  fs.mkdirSync(trash, { recursive: true });
  const name = path.basename(directory);
  // What an earlier, killed removal of this knowledge base left (writers of one name take turns: the write lock).
  for (const left of fs.readdirSync(trash).filter((entry) => entry.startsWith(`${name}+`))) fs.rmSync(path.join(trash, left), { recursive: true, force: true });
  const moved = path.join(trash, `${name}+${process.pid}+${Date.now()}`);
  fs.renameSync(directory, moved);
  fs.rmSync(moved, { recursive: true, force: true });
}

/**
 * Opens an existing knowledge base; `E_KB_NOT_FOUND` names the ones that exist. `readOnly` opens
 * the database with SQLite's read-only flag (see `SqliteKnowledgeBaseStore.openReadOnly`): for commands
 * that write nothing, so they work where the knowledge base cannot be written; a stale index is
 * then rebuilt in memory only.
 */
export function openKnowledgeBase(options: { home: string; name: string; readOnly?: boolean } & StoreSelection, components: KnowledgeBaseComponentsSource): KnowledgeBase {
  const directory = knowledgeBaseDirectory(options.home, options.name);
  const storeUrl = resolveStoreUrl(options.home, options.storeUrl);
  if (storeUrl !== undefined) return openPostgresKnowledgeBase({ ...options, storeUrl }, directory, components);
  if (!fs.existsSync(databasePath(directory))) {
    const existing = listSqliteKnowledgeBaseNames(options.home);
    throw new HangjiaError(
      'E_KB_NOT_FOUND',
      `Knowledge base "${options.name}" does not exist in ${options.home}. ${existing.length ? `Existing: ${existing.join(', ')}.` : 'There are none yet.'} Create it with: hangjia kb create ${options.name} <path…>`,
      { details: { name: options.name, home: options.home } },
    );
  }
  if (!options.readOnly) assertWritable(directory, 'write to the knowledge base in');
  const store = options.readOnly ? SqliteKnowledgeBaseStore.openReadOnly(databasePath(directory)) : SqliteKnowledgeBaseStore.open(databasePath(directory), { create: false });
  const settings = JSON.parse(store.getMeta('settings') ?? 'null') as KnowledgeBaseSettings;
  return new KnowledgeBase(options.name, directory, store, resolveComponents(components, settings));
}

function openPostgresKnowledgeBase(options: { home: string; name: string; readOnly?: boolean; storeUrl: string }, directory: string, components: KnowledgeBaseComponentsSource): KnowledgeBase {
  let store: PostgresKnowledgeBaseStore;
  try {
    store = PostgresKnowledgeBaseStore.open({ url: options.storeUrl, knowledgeBase: options.name, readOnly: options.readOnly ?? false });
  } catch (error) {
    if (!HangjiaError.is(error, 'E_KB_NOT_FOUND')) throw error;
    const existing = listPostgresKnowledgeBases(options.storeUrl);
    const where = parseStoreUrl(options.storeUrl).display;
    throw new HangjiaError(
      'E_KB_NOT_FOUND',
      `Knowledge base "${options.name}" does not exist in the PostgreSQL store ${where}. ${existing.length ? `Existing: ${existing.join(', ')}.` : 'There are none yet.'} Create it with: hangjia kb create ${options.name} <path…>`,
      { details: { name: options.name, store: where } },
    );
  }
  // The folder caches derived indexes; a reader that cannot write it rebuilds them in memory.
  if (!options.readOnly) fs.mkdirSync(directory, { recursive: true });
  const settings = JSON.parse(store.getMeta('settings') ?? 'null') as KnowledgeBaseSettings;
  return new KnowledgeBase(options.name, directory, store, resolveComponents(components, settings));
}

function resolveComponents(source: KnowledgeBaseComponentsSource, settings: KnowledgeBaseSettings): KnowledgeBaseComponents {
  return typeof source === 'function' ? source(settings) : source;
}

/** Deletes a knowledge base: its SQLite folder, or its rows in PostgreSQL and its local index cache (its sources on disk are untouched). */
export function removeKnowledgeBase(options: { home: string; name: string } & StoreSelection): void {
  const directory = knowledgeBaseDirectory(options.home, options.name);
  const storeUrl = resolveStoreUrl(options.home, options.storeUrl);
  if (storeUrl !== undefined) {
    const store = PostgresKnowledgeBaseStore.open({ url: storeUrl, knowledgeBase: options.name });
    try {
      store.removeKnowledgeBase();
    } finally {
      store.close();
    }
    if (fs.existsSync(directory)) discardDirectory(directory);
    return;
  }
  if (!fs.existsSync(databasePath(directory))) {
    throw new HangjiaError('E_KB_NOT_FOUND', `Knowledge base "${options.name}" does not exist in ${options.home}.`, { details: { name: options.name, home: options.home } });
  }
  // The parent decides whether the folder may be deleted; checked first so nothing is half-removed.
  assertWritable(path.dirname(directory), 'remove a knowledge base from');
  assertWritable(directory, 'remove a knowledge base from');
  discardDirectory(directory);
}

/** Whether a knowledge base called `name` exists (under `home`, or in the PostgreSQL store). */
export function knowledgeBaseExists(options: { home: string; name: string } & StoreSelection): boolean {
  const storeUrl = resolveStoreUrl(options.home, options.storeUrl);
  if (storeUrl !== undefined) return listPostgresKnowledgeBases(storeUrl).includes(options.name);
  return fs.existsSync(databasePath(knowledgeBaseDirectory(options.home, options.name)));
}

/** The knowledge bases' names, sorted: folders under `home`, or the PostgreSQL store's `knowledge_bases`. */
export function listKnowledgeBaseNames(home: string, selection: StoreSelection = {}): string[] {
  const storeUrl = resolveStoreUrl(home, selection.storeUrl);
  if (storeUrl === undefined) return listSqliteKnowledgeBaseNames(home);
  // The home still holds the index caches: a home that is a file is the same error with either store.
  assertHomeIsUsable(home);
  return listPostgresKnowledgeBases(storeUrl);
}

/**
 * Where the knowledge bases are kept, for `kb list` and `kb stats`: `SQLite files under <home>/kb`
 * or `PostgreSQL <url without its password>`.
 */
export function describeKnowledgeBaseStore(options: { home: string } & StoreSelection): string {
  const storeUrl = resolveStoreUrl(options.home, options.storeUrl);
  return storeUrl === undefined ? `SQLite files under ${path.join(options.home, 'kb')}` : `PostgreSQL ${parseStoreUrl(storeUrl).display}`;
}

function summarizeCounters(counters: SyncCounters): Record<string, number> {
  const { failures, skippedInputs, warnings, ...numbers } = counters;
  return { ...numbers, warnings: warnings.length };
}

/** The length of the first stored embedding of `modelId`, or undefined when there is none. */
function firstEmbeddingLength(store: KnowledgeBaseStore, modelId: string): number | undefined {
  for (const { vector } of store.iterateChunkEmbeddings(modelId)) return vector.length;
  return undefined;
}

function directorySize(directory: string, filter: (name: string) => boolean = () => true): number {
  if (!fs.existsSync(directory)) return 0;
  let total = 0;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    if (entry.isFile() && filter(entry.name)) total += fs.statSync(path.join(directory, entry.name)).size;
  }
  return total;
}
