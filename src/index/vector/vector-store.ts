import { createHash } from 'node:crypto';
import { HangjiaError } from '../../errors/index.js';
import { FlatVectorIndex, type VectorMatch } from './flat-vector-index.js';

/**
 * One chunk's vector as a vector store keeps it: the chunk id, the vector, the access groups of the
 * chunk's document (so the store can filter inside its search) and a stamp of what it was made from.
 */
export interface VectorPoint {
  /** The chunk id. */
  id: string;
  vector: ArrayLike<number>;
  /** Access groups of the chunk's document, normalized (sorted, unique); empty: readable by everyone. */
  groups: readonly string[];
  /** A digest of vector and groups ({@link vectorPointStamp}): a sync re-upserts a point whose stored stamp differs. */
  stamp: string;
}

export interface VectorStoreSearchOptions {
  /** How many matches to return, best first. */
  k: number;
  /**
   * The caller's access groups. When given, only points without groups or sharing one with them
   * are candidates, and the store applies this inside its search (before the top k are chosen), the
   * rule the lexical index follows. Absent: every point is a candidate (the CLI, an admin key).
   */
  readerGroups?: readonly string[];
}

/** What a sync reads back to find what to upsert and delete: each stored point's id and stamp. */
export interface StoredVectorPoint {
  id: string;
  stamp: string;
}

/**
 * One knowledge base's vectors for one embedding model and dimension count, in the in-process
 * flat index or an external vector database. Points are keyed by chunk id; upserting a point
 * again replaces it, so a sync that is killed and run again converges.
 *
 * Every implementation runs the cases of `vector-store-cases.ts`.
 */
export interface VectorStore {
  /** `flat`, `qdrant`, `milvus`. */
  readonly kind: string;
  /** Where the points live (see {@link vectorCollectionName}). */
  readonly collection: string;
  readonly dimensions: number;
  /** Inserts or replaces points by id. */
  upsert(points: readonly VectorPoint[]): Promise<void>;
  /** Removes points by id; ids that are not stored are ignored. */
  delete(ids: readonly string[]): Promise<void>;
  /** The k points nearest `query` by cosine similarity, best first, among those `readerGroups` may read. */
  search(query: ArrayLike<number>, options: VectorStoreSearchOptions): Promise<VectorMatch[]>;
  /** Every stored point's id and stamp, in pages. */
  listPoints(): AsyncIterable<StoredVectorPoint[]>;
  /** Deletes the collection with its points (a knowledge base removed, a model replaced, a test done). */
  drop(): Promise<void>;
  /** Releases connections; the points stay. */
  close(): Promise<void>;
}

/** What a collection is opened for: the knowledge base, the embedding model key and the vector length. */
export interface VectorCollectionSpec {
  knowledgeBase: string;
  /** `provider:model` (with a document-prefix suffix), as embeddings are keyed in the store. */
  embeddingModelId: string;
  dimensions: number;
}

/** Opens (creating when missing) the collection of a knowledge base in one vector database. */
export interface VectorStoreConnector {
  readonly kind: string;
  /** Which server (its URL or address; no credentials), so state recorded for one is not taken for another's. */
  readonly location: string;
  open(spec: VectorCollectionSpec): Promise<VectorStore>;
}

/**
 * The collection for a knowledge base, embedding model and dimension count: `hangjia_`, readable
 * slugs of the knowledge base and the model, the dimension count, and 10 hex digits of SHA-256 over
 * all three, so names that slug alike (`法规` and `规章`, `bge-m3` and `bge_m3`) still differ. Only
 * `[a-z0-9_]`, starting with a letter, at most 100 characters: valid in Qdrant and in Milvus.
 * A new model or dimension count gets a new collection, so vectors of two models never mix.
 *
 * @example
 * vectorCollectionName({ knowledgeBase: 'law', embeddingModelId: 'openai-compatible:bge-m3', dimensions: 1024 });
 * // 'hangjia_law_openai_compatible_bge_m3_1024_…'
 */
export function vectorCollectionName(spec: VectorCollectionSpec): string {
  const digest = createHash('sha256').update(`${spec.knowledgeBase}\u0000${spec.embeddingModelId}\u0000${spec.dimensions}`).digest('hex').slice(0, 10);
  return `hangjia_${slug(spec.knowledgeBase, 32)}_${slug(spec.embeddingModelId, 32)}_${spec.dimensions}_${digest}`;
}

function slug(text: string, maxLength: number): string {
  const ascii = text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, maxLength);
  return ascii === '' ? 'x' : ascii;
}

/** 16 hex digits of SHA-256 over the vector's float32 bytes and the groups: changes when either does. */
export function vectorPointStamp(vector: ArrayLike<number>, groups: readonly string[]): string {
  const floats = Float32Array.from(vector as ArrayLike<number>);
  return createHash('sha256').update(new Uint8Array(floats.buffer)).update(JSON.stringify(groups)).digest('hex').slice(0, 16);
}

/** Whether a point with `groups` may be read by a caller with `readerGroups` (absent: unrestricted). */
export function mayReadPoint(groups: readonly string[], readerGroups: readonly string[] | undefined): boolean {
  return readerGroups === undefined || groups.length === 0 || groups.some((group) => readerGroups.includes(group));
}

/** Rejects a vector of the wrong length before it reaches a database, naming the point. */
export function checkVectorLength(vector: ArrayLike<number>, dimensions: number, id: string | undefined, collection: string): void {
  if (vector.length !== dimensions) {
    throw new HangjiaError(
      'E_EMBEDDING_DIMENSIONS',
      `${id === undefined ? 'The query vector' : `The vector of ${id}`} has ${vector.length} dimensions, but collection ${collection} holds ${dimensions}.`,
      { details: { ...(id === undefined ? {} : { id }), collection, expected: dimensions, got: vector.length } },
    );
  }
}

/**
 * The in-process implementation: a {@link FlatVectorIndex} plus each point's groups and stamp in
 * memory. Exact, and the reference the external stores are tested against. (A knowledge base with
 * `vectors.store: flat` keeps using its serialized flat index directly: nothing to connect to.)
 */
export class FlatVectorStore implements VectorStore {
  readonly kind = 'flat';
  readonly collection: string;
  readonly dimensions: number;
  private readonly index: FlatVectorIndex;
  private readonly points = new Map<string, { groups: readonly string[]; stamp: string }>();

  constructor(spec: VectorCollectionSpec) {
    this.collection = vectorCollectionName(spec);
    this.dimensions = spec.dimensions;
    this.index = new FlatVectorIndex({ dimensions: spec.dimensions, embeddingModelId: spec.embeddingModelId });
  }

  async upsert(points: readonly VectorPoint[]): Promise<void> {
    for (const point of points) checkVectorLength(point.vector, this.dimensions, point.id, this.collection);
    for (const point of points) {
      this.index.add(point.id, point.vector);
      this.points.set(point.id, { groups: [...point.groups], stamp: point.stamp });
    }
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      this.index.remove(id);
      this.points.delete(id);
    }
  }

  async search(query: ArrayLike<number>, options: VectorStoreSearchOptions): Promise<VectorMatch[]> {
    checkVectorLength(query, this.dimensions, undefined, this.collection);
    const { readerGroups } = options;
    return this.index.search(query, {
      k: options.k,
      ...(readerGroups === undefined ? {} : { filter: (id: string) => mayReadPoint(this.points.get(id)?.groups ?? [], readerGroups) }),
    });
  }

  async *listPoints(): AsyncIterable<StoredVectorPoint[]> {
    yield [...this.points].map(([id, { stamp }]) => ({ id, stamp }));
  }

  async drop(): Promise<void> {
    await this.delete([...this.points.keys()]);
  }

  async close(): Promise<void> {}
}

let inProcessConnectors = 0;

/**
 * Flat stores kept in this process, one per collection: an in-memory "database" for tests and for
 * trying the external-store code path without a server. Opening a collection again returns the
 * same points.
 */
export function createInProcessVectorStoreConnector(): VectorStoreConnector {
  const collections = new Map<string, FlatVectorStore>();
  inProcessConnectors += 1;
  return {
    kind: 'flat',
    location: `in-process:${process.pid}:${inProcessConnectors}`,
    async open(spec) {
      const name = vectorCollectionName(spec);
      let store = collections.get(name);
      if (!store) {
        store = new FlatVectorStore(spec);
        collections.set(name, store);
      }
      return store;
    },
  };
}
