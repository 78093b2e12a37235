import { createHash } from 'node:crypto';
import type { QdrantClient } from '@qdrant/js-client-rest';
import { HangjiaError } from '../../../errors/index.js';
import type { VectorMatch } from '../flat-vector-index.js';
import {
  checkVectorLength,
  vectorCollectionName,
  type StoredVectorPoint,
  type VectorCollectionSpec,
  type VectorPoint,
  type VectorStore,
  type VectorStoreConnector,
  type VectorStoreSearchOptions,
} from '../vector-store.js';

export interface QdrantConnectorOptions {
  /** The server's REST address, e.g. `http://127.0.0.1:6333` (`vectors.url`). */
  url: string;
  /** Sent as the `api-key` header (`vectors.apiKey`); never logged. */
  apiKey?: string;
}

/** Points per upsert request: large enough to amortize a round trip, small enough to stay well under Qdrant's 32 MiB request limit at 4096 dimensions. */
const UPSERT_BATCH = 256;
/** Points per scroll page when a sync lists what the collection holds. */
const SCROLL_PAGE = 1000;

/**
 * A connector to a Qdrant server (`vectors.store: qdrant`). The client package is an optional
 * peer dependency, imported on first use; without it, `E_VECTOR_STORE_PACKAGE` says how to install it.
 *
 * One collection per knowledge base, embedding model and dimension count, cosine distance, with
 * keyword and bool payload indexes on `groups` and `public` so the access filter runs inside the
 * HNSW search. Point ids are UUIDs derived from chunk ids (Qdrant takes only UUIDs or integers);
 * the chunk id rides in the payload.
 *
 * @example
 * const connector = createQdrantVectorStoreConnector({ url: 'http://127.0.0.1:6333' });
 * const vectors = await connector.open({ knowledgeBase: 'law', embeddingModelId: 'openai-compatible:bge-m3', dimensions: 1024 });
 */
export function createQdrantVectorStoreConnector(options: QdrantConnectorOptions): VectorStoreConnector {
  let client: Promise<QdrantClient> | undefined;
  return {
    kind: 'qdrant',
    location: options.url,
    async open(spec) {
      client ??= loadQdrantClient(options);
      return openQdrantCollection(await client, spec, options.url);
    },
  };
}

async function loadQdrantClient(options: QdrantConnectorOptions): Promise<QdrantClient> {
  let module: typeof import('@qdrant/js-client-rest');
  try {
    module = await import('@qdrant/js-client-rest');
  } catch (error) {
    throw new HangjiaError(
      'E_VECTOR_STORE_PACKAGE',
      'vectors.store is "qdrant", which needs the optional package @qdrant/js-client-rest. Run: npm install @qdrant/js-client-rest@1.18.0',
      { details: { store: 'qdrant', package: '@qdrant/js-client-rest' }, cause: error },
    );
  }
  // No version probe on connect: a mismatch shows in the first failing request, with its step named.
  return new module.QdrantClient({ url: options.url, checkCompatibility: false, ...(options.apiKey ? { apiKey: options.apiKey } : {}) });
}

/** Opens the collection for `spec`, creating it (with its payload indexes) when missing. */
export async function openQdrantCollection(client: QdrantClient, spec: VectorCollectionSpec, url: string): Promise<VectorStore> {
  const collection = vectorCollectionName(spec);
  const call = qdrantCaller(url, collection);
  const { exists } = await call('check the collection', () => client.collectionExists(collection));
  let indexed: string[] = [];
  if (!exists) {
    try {
      await client.createCollection(collection, { vectors: { size: spec.dimensions, distance: 'Cosine' } });
    } catch (error) {
      // Another replica created it between our check and our request: theirs is the same collection.
      const again = await call('check the collection', () => client.collectionExists(collection));
      if (!again.exists) throw qdrantError(url, collection, 'create the collection', error);
    }
  } else {
    // A process killed between creating the collection and its payload indexes left it without them.
    const info = await call('read the collection', () => client.getCollection(collection));
    indexed = Object.keys(info.payload_schema ?? {});
  }
  for (const [field, schema] of PAYLOAD_INDEXES) {
    if (!indexed.includes(field)) await call(`index the ${field} payload`, () => client.createPayloadIndex(collection, { field_name: field, field_schema: schema, wait: true }));
  }
  return new QdrantVectorStore(client, collection, spec.dimensions, call);
}

/** Payload indexes the access filter runs on inside the HNSW search. */
const PAYLOAD_INDEXES = [
  ['groups', 'keyword'],
  ['public', 'bool'],
] as const;

type QdrantCall = <T>(step: string, request: () => Promise<T>) => Promise<T>;

class QdrantVectorStore implements VectorStore {
  readonly kind = 'qdrant';

  constructor(
    private readonly client: QdrantClient,
    readonly collection: string,
    readonly dimensions: number,
    private readonly call: QdrantCall,
  ) {}

  async upsert(points: readonly VectorPoint[]): Promise<void> {
    for (const point of points) checkVectorLength(point.vector, this.dimensions, point.id, this.collection);
    for (let start = 0; start < points.length; start += UPSERT_BATCH) {
      const batch = points.slice(start, start + UPSERT_BATCH).map((point) => ({
        id: qdrantPointId(point.id),
        vector: Array.from(point.vector),
        payload: { chunk_id: point.id, groups: [...point.groups], public: point.groups.length === 0, stamp: point.stamp },
      }));
      await this.call('upsert points', () => this.client.upsert(this.collection, { wait: true, points: batch }));
    }
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (let start = 0; start < ids.length; start += UPSERT_BATCH) {
      const batch = ids.slice(start, start + UPSERT_BATCH).map(qdrantPointId);
      await this.call('delete points', () => this.client.delete(this.collection, { wait: true, points: batch }));
    }
  }

  async search(query: ArrayLike<number>, options: VectorStoreSearchOptions): Promise<VectorMatch[]> {
    checkVectorLength(query, this.dimensions, undefined, this.collection);
    const limit = Math.max(0, Math.floor(options.k));
    if (limit === 0) return [];
    const filter = options.readerGroups === undefined ? undefined : qdrantAccessFilter(options.readerGroups);
    const response = await this.call('search', () =>
      this.client.query(this.collection, { query: Array.from(query), limit, with_payload: ['chunk_id'], ...(filter ? { filter } : {}) }),
    );
    return response.points.map((point) => ({ id: String(point.payload?.['chunk_id']), score: point.score }));
  }

  async *listPoints(): AsyncIterable<StoredVectorPoint[]> {
    let offset: string | number | Record<string, unknown> | null | undefined;
    do {
      const page = await this.call('list points', () =>
        this.client.scroll(this.collection, { limit: SCROLL_PAGE, with_payload: ['chunk_id', 'stamp'], with_vector: false, ...(offset == null ? {} : { offset: offset as string | number }) }),
      );
      yield page.points.map((point) => ({ id: String(point.payload?.['chunk_id']), stamp: String(point.payload?.['stamp']) }));
      offset = page.next_page_offset;
    } while (offset != null);
  }

  async drop(): Promise<void> {
    await this.call('delete the collection', () => this.client.deleteCollection(this.collection));
  }

  async close(): Promise<void> {}
}

/**
 * The access rule as a Qdrant filter: a point is a candidate when it is public (its document has
 * no groups) or shares a group with the caller. A caller with no groups matches public points only.
 */
export function qdrantAccessFilter(readerGroups: readonly string[]): { should: Array<Record<string, unknown>> } {
  const isPublic = { key: 'public', match: { value: true } };
  return { should: readerGroups.length === 0 ? [isPublic] : [isPublic, { key: 'groups', match: { any: [...readerGroups] } }] };
}

/** A chunk id as a Qdrant point id: the first 128 bits of its SHA-256, written as a UUID. */
export function qdrantPointId(chunkId: string): string {
  const hex = createHash('sha256').update(chunkId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function qdrantCaller(url: string, collection: string): QdrantCall {
  return async (step, request) => {
    try {
      return await request();
    } catch (error) {
      throw qdrantError(url, collection, step, error);
    }
  };
}

/** A failed request as `E_VECTOR_STORE`, naming the server, the collection and the step (never the API key). */
function qdrantError(url: string, collection: string, step: string, error: unknown): HangjiaError {
  if (HangjiaError.is(error)) return error;
  const status = (error as { status?: unknown }).status;
  const reason = (error as { data?: { status?: { error?: unknown } } }).data?.status?.error ?? (error as Error).message;
  return new HangjiaError('E_VECTOR_STORE', `Qdrant at ${url} failed to ${step} in collection ${collection}: ${String(reason)}`, {
    details: { store: 'qdrant', url, collection, step, ...(typeof status === 'number' ? { status } : {}) },
    cause: error,
    isRetryable: typeof status !== 'number' || status >= 500 || status === 429,
  });
}
