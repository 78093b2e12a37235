import fs from 'node:fs';
import path from 'node:path';
import type { Analyzer } from '../analysis/index.js';
import { Bm25Index, FlatVectorIndex, buildBm25IndexInParallel, compareStrings, type Bm25BuildOptions, type Bm25Params, type ParallelBuildOptions, type Bm25ParamsInput, type LexicalRecord } from '../index/index.js';
import { buildLexicalIndex, toLexicalRecord } from '../retrieval/index.js';
import type { KnowledgeBaseStore, StoredChunk } from './knowledge-base-store.js';

/**
 * Bumped when the manifest, the set of derived files or the records' shape changes; an index
 * with another version is rebuilt. What each version changed: docs/design.md, "On-disk versions".
 */
export const MANIFEST_VERSION = 4;

/**
 * Describes the derived indexes on disk and what they were built from. Indexes are rebuilt
 * whenever `generation` differs from the store's (a sync that was interrupted, or an older build),
 * or the analyzer or embedding model changed.
 */
export interface IndexManifest {
  manifestVersion: number;
  generation: number;
  builtAt: string;
  analyzer: { name: string; version: number };
  /**
   * `params`: the BM25F settings the index was built with (absent in manifests written before they
   * were recorded); `topicWords`: words with a topic vector (0: the knowledge base is too small for any);
   * `citedGroups`: documents (statutes) that another document names by title; `mostCited`: the
   * ten named by the most documents, by title.
   */
  lexical: {
    file: string;
    chunks: number;
    bytes: number;
    buildMs: number;
    params?: Bm25Params;
    topicWords?: number;
    citedGroups?: number;
    mostCited?: Array<{ title: string; citedBy: number }>;
  };
  vector?: { file: string; modelId: string; dimensions: number; chunks: number; bytes: number };
}

export interface DerivedIndexes {
  manifest: IndexManifest;
  lexical: Bm25Index;
  vector?: FlatVectorIndex;
}

export interface BuildProgress {
  /** `topics`: learning the topic vectors, after the records are indexed (reported at start and end). */
  phase: 'index' | 'topics';
  done: number;
  total: number;
}

const MANIFEST_FILE = 'manifest.json';
const LEXICAL_FILE = 'lexical.bin';
const VECTOR_FILE = 'vector.bin';

export function readManifest(directory: string): IndexManifest | undefined {
  const manifest = readAnyManifest(directory);
  return manifest?.manifestVersion === MANIFEST_VERSION ? manifest : undefined;
}

function readAnyManifest(directory: string): IndexManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(directory, MANIFEST_FILE), 'utf8')) as IndexManifest;
  } catch {
    return undefined;
  }
}

/** What the derived indexes must have been built with to be current. */
export interface IndexRequirements {
  analyzer: Analyzer;
  lexicalParams?: Bm25ParamsInput;
  embeddingModelId?: string;
}

/**
 * Why the indexes in `directory` must be rebuilt for `store` and `requirements`, or undefined
 * when they are current: no index, another format, a store generation they do not reflect (a
 * sync changed documents, or died before re-indexing), another analyzer, or another embedding
 * model. Other lexical settings (field weights, b, k1) are not a reason: a loaded index takes
 * them in memory (`Bm25Index.withParams`), so a one-off `--set search.titleWeight=0` neither
 * rebuilds nor rewrites the stored index. Reads the manifest only.
 */
export function indexStaleness(directory: string, store: KnowledgeBaseStore, requirements: IndexRequirements): string | undefined {
  const manifest = readAnyManifest(directory);
  if (!manifest) return 'no index on disk';
  if (manifest.manifestVersion !== MANIFEST_VERSION) return `index format ${manifest.manifestVersion} is not the current ${MANIFEST_VERSION}`;
  if (manifest.generation !== store.generation()) return 'index is older than the stored documents';
  const { analyzer } = requirements;
  if (manifest.analyzer.name !== analyzer.name || manifest.analyzer.version !== analyzer.version) {
    return `analyzer changed (${manifest.analyzer.name} v${manifest.analyzer.version} → ${analyzer.name} v${analyzer.version})`;
  }
  if ((manifest.vector?.modelId ?? undefined) !== requirements.embeddingModelId) {
    return `embedding model changed (${manifest.vector?.modelId ?? 'none'} → ${requirements.embeddingModelId ?? 'none'})`;
  }
  return undefined;
}

/** What building the derived indexes takes. */
export interface BuildDerivedIndexesOptions {
  analyzer: Analyzer;
  lexicalParams?: Bm25ParamsInput;
  embeddingModelId?: string;
  onProgress?: (progress: BuildProgress) => void;
  /** false: a read-only knowledge base gets its indexes in memory and nothing is written. */
  persist?: boolean;
}

/** Rebuilds the lexical (and, with a model id, vector) index from the store and writes them atomically. */
export function buildDerivedIndexes(store: KnowledgeBaseStore, directory: string, options: BuildDerivedIndexesOptions): DerivedIndexes {
  const generation = store.generation();
  const started = performance.now();
  const lexical = buildLexicalIndex([...lexicalRecords(store)], lexicalBuildOptions(options));
  return writeDerivedIndexes(store, directory, generation, lexical, performance.now() - started, options);
}

/** Records read from the store per batch when building on worker threads: a few seconds of analysis for one worker. */
const RECORD_BATCH_SIZE = 4096;

/**
 * {@link buildDerivedIndexes} with the records analyzed on worker threads (`threads`, default: the
 * machine's parallelism) and streamed from the store in batches, so that their texts are never
 * all in memory at once. The same index, byte for byte.
 */
export async function buildDerivedIndexesInParallel(
  store: KnowledgeBaseStore,
  directory: string,
  options: BuildDerivedIndexesOptions & Pick<ParallelBuildOptions, 'threads' | 'parallelFrom'>,
): Promise<DerivedIndexes> {
  const generation = store.generation();
  const started = performance.now();
  const lexical = await buildBm25IndexInParallel(batchesOf(lexicalRecords(store), RECORD_BATCH_SIZE), {
    ...lexicalBuildOptions(options),
    expectedRecords: store.counts().chunks,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.parallelFrom === undefined ? {} : { parallelFrom: options.parallelFrom }),
  });
  return writeDerivedIndexes(store, directory, generation, lexical, performance.now() - started, options);
}

function lexicalBuildOptions(options: BuildDerivedIndexesOptions): Bm25BuildOptions {
  return {
    analyzer: options.analyzer,
    ...(options.lexicalParams ? { params: options.lexicalParams } : {}),
    onProgress: (progress) => options.onProgress?.({ phase: progress.phase === 'topics' ? 'topics' : 'index', done: progress.done, total: progress.total }),
  };
}

/** Every stored chunk as the lexical index sees it, in store order. */
function* lexicalRecords(store: KnowledgeBaseStore): Generator<LexicalRecord> {
  for (const stored of store.iterateChunks()) {
    yield lexicalRecordOf(stored);
  }
}

/** A stored chunk shaped as every retrieval unit is (`toLexicalRecord`). */
function lexicalRecordOf(stored: StoredChunk): LexicalRecord {
  return toLexicalRecord({
    id: stored.chunk.id,
    documentId: stored.chunk.documentId,
    documentTitle: stored.documentTitle,
    headingPath: stored.chunk.headingPath,
    text: stored.chunk.text,
    // Documents are also named by their file name (《星河网络员工手册》 for 星河网络员工手册.txt,
    // whose first line is the company's name); the rows of one csv/jsonl file are not.
    ...(stored.documentRowKey === undefined ? { aliases: [fileStem(stored.documentPath)] } : {}),
    // A document with access groups names titles for its readers only (see `LexicalRecord.citing`).
    ...(stored.documentGroups.length > 0 ? { citing: false } : {}),
  });
}

function* batchesOf<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Writes the lexical index built from the store at `generation`, adds the vector index, and writes the manifest last. */
function writeDerivedIndexes(store: KnowledgeBaseStore, directory: string, generation: number, lexical: Bm25Index, buildMs: number, options: BuildDerivedIndexesOptions): DerivedIndexes {
  const persist = options.persist ?? true;
  const writeAtomically = persist ? writeFileAtomically : (): void => {};
  if (persist) fs.mkdirSync(directory, { recursive: true });
  const lexicalStats = lexical.stats();
  const lexicalParts = lexical.serializedParts();
  writeAtomically(path.join(directory, LEXICAL_FILE), lexicalParts);
  const lexicalBytes = lexicalParts.reduce((total, part) => total + part.byteLength, 0);

  let vector: FlatVectorIndex | undefined;
  let vectorEntry: IndexManifest['vector'];
  if (options.embeddingModelId) {
    for (const { chunkId, vector: embedding } of store.iterateChunkEmbeddings(options.embeddingModelId)) {
      vector ??= new FlatVectorIndex({ dimensions: embedding.length, embeddingModelId: options.embeddingModelId });
      vector.add(chunkId, embedding);
    }
    if (vector) {
      const bytes = vector.serialize();
      writeAtomically(path.join(directory, VECTOR_FILE), [bytes]);
      vectorEntry = { file: VECTOR_FILE, modelId: options.embeddingModelId, dimensions: vector.dimensions, chunks: vector.size, bytes: bytes.byteLength };
    }
  }
  if (!vectorEntry && persist) fs.rmSync(path.join(directory, VECTOR_FILE), { force: true });

  const manifest: IndexManifest = {
    manifestVersion: MANIFEST_VERSION,
    generation,
    builtAt: new Date().toISOString(),
    analyzer: { name: options.analyzer.name, version: options.analyzer.version },
    lexical: { file: LEXICAL_FILE, chunks: lexical.size, bytes: lexicalBytes, buildMs: Math.round(buildMs), params: lexical.params, topicWords: lexicalStats.topicWords, citedGroups: lexicalStats.citedGroups, mostCited: mostCitedTitles(lexical, store) },
    ...(vectorEntry ? { vector: vectorEntry } : {}),
  };
  // The manifest is written last: a crash before this line leaves the old manifest, whose generation no longer matches.
  writeAtomically(path.join(directory, MANIFEST_FILE), [Buffer.from(JSON.stringify(manifest, null, 2))]);
  return { manifest, lexical, ...(vector ? { vector } : {}) };
}

/**
 * Loads the derived indexes if they are current (see `indexStaleness`), with `lexicalParams`
 * applied in memory, rebuilding them from the store otherwise.
 */
export function loadDerivedIndexes(
  store: KnowledgeBaseStore,
  directory: string,
  options: IndexRequirements & { onRebuild?: (reason: string) => void; persist?: boolean },
): DerivedIndexes {
  const stale = indexStaleness(directory, store, options);
  const manifest = stale === undefined ? readManifest(directory) : undefined;
  if (manifest) {
    try {
      return readIndexFiles(directory, manifest, options);
    } catch (error) {
      options.onRebuild?.(`index files unreadable (${(error as Error).message})`);
    }
  } else {
    options.onRebuild?.(stale ?? 'no index on disk');
  }
  return buildDerivedIndexes(store, directory, options);
}

/**
 * The last complete indexes on disk, whatever store generation they were built from, for
 * searching while a writer holds the lock (its chunks may be gone from the store by now: those
 * hits are dropped). Undefined when there are none this analyzer can read; the vector index is
 * left out when it was built with another embedding model.
 */
export function loadLastCompleteIndexes(directory: string, requirements: IndexRequirements): DerivedIndexes | undefined {
  const manifest = readManifest(directory);
  const { analyzer } = requirements;
  if (!manifest || manifest.analyzer.name !== analyzer.name || manifest.analyzer.version !== analyzer.version) return undefined;
  let usable = manifest;
  if (manifest.vector && manifest.vector.modelId !== requirements.embeddingModelId) {
    const { vector: _otherModel, ...lexicalOnly } = manifest;
    usable = lexicalOnly;
  }
  try {
    return readIndexFiles(directory, usable, requirements);
  } catch {
    // Being replaced right now: nothing complete to read.
    return undefined;
  }
}

function readIndexFiles(directory: string, manifest: IndexManifest, requirements: IndexRequirements): DerivedIndexes {
  const stored = Bm25Index.deserialize(fs.readFileSync(path.join(directory, manifest.lexical.file)), { analyzer: requirements.analyzer });
  const lexical = requirements.lexicalParams ? stored.withParams(requirements.lexicalParams) : stored;
  const vector = manifest.vector
    ? FlatVectorIndex.deserialize(fs.readFileSync(path.join(directory, manifest.vector.file)), { embeddingModelId: manifest.vector.modelId })
    : undefined;
  return { manifest, lexical, ...(vector ? { vector } : {}) };
}

/** Writes `parts` one after another to a temporary file, then renames it over `file`. */
function writeFileAtomically(file: string, parts: readonly Uint8Array[]): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const descriptor = fs.openSync(temporary, 'w');
  try {
    for (const part of parts) {
      for (let written = 0; written < part.byteLength; ) written += fs.writeSync(descriptor, part, written);
    }
  } finally {
    fs.closeSync(descriptor);
  }
  fs.renameSync(temporary, file);
}

/** The documents (statutes) other documents name most, by title, for `kb stats`. */
function mostCitedTitles(lexical: Bm25Index, store: KnowledgeBaseStore): Array<{ title: string; citedBy: number }> {
  const cited = lexical.mostCited(MOST_CITED_SHOWN);
  if (cited.length === 0) return [];
  const chunks = store.chunksByIds(cited.map(({ id }) => id));
  // Ties in title order: the index's own order follows document ids, which mean nothing to a reader.
  return cited
    .map(({ id, citedBy }) => ({ title: chunks.has(id) ? lexicalRecordOf(chunks.get(id)!).title : id, citedBy }))
    .sort((a, b) => b.citedBy - a.citedBy || compareStrings(a.title, b.title));
}

const MOST_CITED_SHOWN = 10;

/** A file's name without its folder and last extension (`policies/员工手册.docx` → `员工手册`). */
function fileStem(filePath: string): string {
  return path.basename(filePath, path.extname(filePath));
}
