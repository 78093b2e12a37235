import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Analyzer } from '../analysis/index.js';
import type { Chunker, ChunkingOptions } from '../chunking/index.js';
import { HangjiaError } from '../errors/index.js';
import type { Bm25ParamsInput, Bm25SearchOptions, CitationParams, GroupParams, TopicParams } from '../index/index.js';
import { embedMany, type EmbeddingModel } from '../models/index.js';
import { retrieve, type RetrievalResult, type RetrieveOptions } from '../retrieval/index.js';
import type { SourceOptions } from '../sources/index.js';
import { buildDerivedIndexes, indexStaleness, loadDerivedIndexes, loadLastCompleteIndexes, readManifest, type DerivedIndexes, type IndexManifest, type IndexRequirements } from './derived-indexes.js';
import { databasePath, indexDirectory, knowledgeBaseDirectory, listKnowledgeBaseNames } from './knowledge-base-paths.js';
import { KnowledgeBaseStore } from './knowledge-base-store.js';
import { describeWriteLockHolder, tryAcquireWriteLock, writeLockHolder, type WriteLock, type WriteLockHolder } from './write-lock.js';
import { syncSourceFiles, type SyncCounters, type SyncOptions, type SyncProgress } from './sync-knowledge-base.js';

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
  /** Lexical engine settings; unset ones keep the engine's defaults. */
  lexical?: LexicalSettings;
}

/** How the lexical index is built (`params`: an index built otherwise is rebuilt) and searched. */
export interface LexicalSettings {
  params?: Bm25ParamsInput;
  /** Group evidence between chunks of one document (`false` turns it off). */
  groups?: boolean | Partial<GroupParams>;
  /** Topic evidence from the knowledge base's own word statistics (`false` turns it off). */
  topics?: boolean | Partial<TopicParams>;
  /** Citation evidence from documents that name others by title (`false` turns it off). */
  citations?: boolean | Partial<CitationParams>;
}

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
  embeddingModelId: string | null;
  index: IndexManifest | null;
  indexCurrent: boolean;
  /** Why the next search or `kb reindex` rebuilds the indexes, when they are not current. */
  indexStaleReason: string | null;
  databaseBytes: number;
  indexBytes: number;
  lastRuns: ReturnType<KnowledgeBaseStore['recentRuns']>;
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
  private readonly components: KnowledgeBaseComponents;
  private indexes: DerivedIndexes | undefined;

  constructor(name: string, directory: string, store: KnowledgeBaseStore, components: KnowledgeBaseComponents) {
    this.name = name;
    this.directory = directory;
    this.store = store;
    this.components = components;
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
   * derived indexes. Safe to interrupt and run again.
   */
  async sync(options: KnowledgeBaseSyncOptions = {}): Promise<SyncCounters> {
    const settings = this.settings;
    const runId = this.store.startRun();
    const counters = await syncSourceFiles(this.store, {
      sources: settings.sources,
      sourceOptions: { include: settings.include, exclude: settings.exclude, maxFileBytes: settings.maxFileBytes, ...(settings.rows ? { rows: settings.rows } : {}) },
      chunker: this.components.chunker,
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
      this.reindex({ onProgress: options.onProgress });
    }
    this.store.finishRun(runId, counters.failed > 0 ? 'completed-with-errors' : 'completed', summarizeCounters(counters));
    return counters;
  }

  /** Rebuilds the derived indexes from the store (after an analyzer upgrade, or to repair them). */
  reindex(options: { onProgress?: (progress: SyncProgress) => void } = {}): IndexManifest {
    this.indexes = buildDerivedIndexes(this.store, indexDirectory(this.directory), {
      ...this.indexRequirements(),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return this.indexes.manifest;
  }

  /**
   * Searches the knowledge base. Lexical by default; hybrid (RRF) when this knowledge base has
   * embeddings from the configured embedding model.
   */
  async search(query: string, options: RetrieveOptions & IndexNotices = {}): Promise<RetrievalResult> {
    if (query.trim() === '') throw new HangjiaError('E_USAGE', 'The search query is empty.', { details: { query } });
    const indexes = this.loadIndexes(options);
    const model = this.components.embeddingModel;
    const vectorUsable = indexes.vector && model && indexes.manifest.vector?.modelId === this.embeddingModelId;
    const { groups, topics, citations } = this.components.lexical ?? {};
    const evidence: Bm25SearchOptions = {
      ...(groups === undefined ? {} : { groups }),
      ...(topics === undefined ? {} : { topics }),
      ...(citations === undefined ? {} : { citations }),
    };
    return retrieve(
      query,
      {
        lexical: Object.keys(evidence).length === 0 ? indexes.lexical : { search: (text, lexicalOptions) => indexes.lexical.search(text, { ...lexicalOptions, ...evidence }) },
        ...(vectorUsable
          ? {
              vector: indexes.vector!,
              embedQuery: async (text: string) => (await embedMany(model, [`${this.components.embeddingPrefixes?.query ?? ''}${text}`])).embeddings[0]!,
            }
          : {}),
        loadChunks: (ids) => this.store.chunksByIds(ids),
      },
      options,
    );
  }

  /** Whether `search` can use vectors: an embedding model is configured and the chunks are embedded with it. */
  hasVectorSearch(): boolean {
    return this.loadIndexes().vector !== undefined && this.components.embeddingModel !== undefined;
  }

  stats(): KnowledgeBaseStats {
    const counts = this.store.counts();
    const manifest = readManifest(indexDirectory(this.directory)) ?? null;
    const failed = this.store.sourceFiles().filter((row) => row.status === 'failed');
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
      embeddingModelId: this.store.getMeta('embeddingModelId') ?? null,
      index: manifest,
      indexCurrent: staleReason === undefined,
      indexStaleReason: staleReason ?? null,
      databaseBytes: directorySize(this.directory, (file) => file.startsWith('kb.sqlite')),
      indexBytes: directorySize(indexDirectory(this.directory)),
      lastRuns: this.store.recentRuns(3),
    };
  }

  close(): void {
    this.store.close();
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
    const stale = indexStaleness(directory, this.store, requirements);
    if (stale === undefined) {
      this.indexes = loadDerivedIndexes(this.store, directory, { ...requirements, ...(notices.onRebuild ? { onRebuild: notices.onRebuild } : {}) });
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
      this.indexes = loadDerivedIndexes(this.store, directory, { ...requirements, ...(notices.onRebuild ? { onRebuild: notices.onRebuild } : {}) });
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
    const modelId = this.indexedEmbeddingModelId();
    return {
      analyzer: this.components.analyzer,
      ...(this.components.lexical?.params ? { lexicalParams: this.components.lexical.params } : {}),
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
  options: { home: string; name: string; settings: KnowledgeBaseSettings; overwrite?: boolean },
  components: KnowledgeBaseComponentsSource,
): KnowledgeBase {
  const directory = knowledgeBaseDirectory(options.home, options.name);
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
  const draftStore = KnowledgeBaseStore.open(draft, { create: true });
  draftStore.database.transaction(() => {
    draftStore.setMeta('name', options.name);
    draftStore.setMeta('createdAt', new Date().toISOString());
    draftStore.setMeta('settings', JSON.stringify(options.settings));
  })();
  draftStore.close();
  fs.renameSync(draft, databasePath(directory));
  const store = KnowledgeBaseStore.open(databasePath(directory), { create: false });
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

/** Opens an existing knowledge base; `E_KB_NOT_FOUND` names the ones that exist. */
export function openKnowledgeBase(options: { home: string; name: string }, components: KnowledgeBaseComponentsSource): KnowledgeBase {
  const directory = knowledgeBaseDirectory(options.home, options.name);
  if (!fs.existsSync(databasePath(directory))) {
    const existing = listKnowledgeBaseNames(options.home);
    throw new HangjiaError(
      'E_KB_NOT_FOUND',
      `Knowledge base "${options.name}" does not exist in ${options.home}. ${existing.length ? `Existing: ${existing.join(', ')}.` : 'There are none yet.'} Create it with: hangjia kb create ${options.name} <path…>`,
      { details: { name: options.name, home: options.home } },
    );
  }
  const store = KnowledgeBaseStore.open(databasePath(directory), { create: false });
  const settings = JSON.parse(store.getMeta('settings') ?? 'null') as KnowledgeBaseSettings;
  return new KnowledgeBase(options.name, directory, store, resolveComponents(components, settings));
}

function resolveComponents(source: KnowledgeBaseComponentsSource, settings: KnowledgeBaseSettings): KnowledgeBaseComponents {
  return typeof source === 'function' ? source(settings) : source;
}

/** Deletes a knowledge base directory (its sources on disk are untouched). */
export function removeKnowledgeBase(options: { home: string; name: string }): void {
  const directory = knowledgeBaseDirectory(options.home, options.name);
  if (!fs.existsSync(databasePath(directory))) {
    throw new HangjiaError('E_KB_NOT_FOUND', `Knowledge base "${options.name}" does not exist in ${options.home}.`, { details: { name: options.name, home: options.home } });
  }
  discardDirectory(directory);
}

export { listKnowledgeBaseNames };

function summarizeCounters(counters: SyncCounters): Record<string, number> {
  const { failures, skippedInputs, warnings, ...numbers } = counters;
  return { ...numbers, warnings: warnings.length };
}

function directorySize(directory: string, filter: (name: string) => boolean = () => true): number {
  if (!fs.existsSync(directory)) return 0;
  let total = 0;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    if (entry.isFile() && filter(entry.name)) total += fs.statSync(path.join(directory, entry.name)).size;
  }
  return total;
}
