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

export interface MilvusConnectorOptions {
  /** The server's gRPC address, e.g. `127.0.0.1:19530` (`vectors.url`). */
  address: string;
  /** `user:password` or a Zilliz Cloud API key (`vectors.apiKey`); never logged. */
  token?: string;
}

/** Milvus answers most failures with a status object rather than by throwing. */
export interface MilvusStatus {
  error_code?: string | number;
  code?: number;
  reason?: string;
}

/** A row as this adapter writes it: see {@link milvusCollectionFields}. (A type, not an interface: the SDK's `RowData` is an index signature.) */
export type MilvusRow = {
  id: string;
  vector: number[];
  groups: string[];
  public: boolean;
  stamp: string;
};

/** One field of the collection's schema, as `createCollection` takes it (`FieldType` in the SDK). */
export interface MilvusFieldSpec {
  name: string;
  data_type: 'VarChar' | 'FloatVector' | 'Array' | 'Bool';
  element_type?: 'VarChar';
  is_primary_key?: boolean;
  autoID?: boolean;
  max_length?: number;
  max_capacity?: number;
  dim?: number;
}

/**
 * The part of `MilvusClient` (`@zilliz/milvus2-sdk-node` 2.6) this adapter calls, with the request
 * shapes it sends. Written out here so the adapter's requests can be checked without a server.
 */
export interface MilvusClientLike {
  hasCollection(request: { collection_name: string }): Promise<{ value: boolean; status?: MilvusStatus }>;
  createCollection(request: {
    collection_name: string;
    consistency_level: string;
    fields: MilvusFieldSpec[];
    index_params: { field_name: string; index_type: string; metric_type: string };
  }): Promise<MilvusStatus>;
  loadCollection(request: { collection_name: string }): Promise<MilvusStatus>;
  upsert(request: { collection_name: string; data: MilvusRow[] }): Promise<{ status: MilvusStatus }>;
  delete(request: { collection_name: string; filter: string }): Promise<{ status: MilvusStatus }>;
  search(request: {
    collection_name: string;
    data: number[];
    anns_field: string;
    limit: number;
    metric_type: string;
    output_fields: string[];
    filter?: string;
  }): Promise<{ status: MilvusStatus; results: Array<{ id: string; score: number }> }>;
  queryIterator(request: { collection_name: string; batchSize: number; output_fields: string[]; filter: string }): Promise<AsyncIterable<Array<Record<string, unknown>>>>;
  dropCollection(request: { collection_name: string }): Promise<MilvusStatus>;
  closeConnection(): Promise<unknown>;
}

/** Most groups one document may carry in Milvus (the ARRAY field's `max_capacity`). */
export const MILVUS_MAX_GROUPS = 256;
/** Longest chunk id Milvus stores (the primary key's `max_length`); hangjia's ids are far shorter. */
const MAX_ID_LENGTH = 512;
/** Rows per upsert and ids per delete request, well under Milvus's 64 MiB gRPC message limit at 4096 dimensions. */
const WRITE_BATCH = 256;
const LIST_BATCH = 1000;

/**
 * A connector to a Milvus server (`vectors.store: milvus`). The SDK is an optional peer dependency,
 * imported on first use; without it, `E_VECTOR_STORE_PACKAGE` says how to install it. `client`
 * replaces the SDK's client (tests record requests with it).
 *
 * One collection per knowledge base, embedding model and dimension count: a VarChar primary key
 * (the chunk id), the float vector under an AUTOINDEX with COSINE metric, the document's groups as an
 * ARRAY of VarChar plus a `public` flag, and the point's stamp. Consistency is Strong, so a chunk a
 * sync upserted is found by the next search on any replica.
 *
 * @example
 * const connector = createMilvusVectorStoreConnector({ address: '127.0.0.1:19530' });
 * const vectors = await connector.open({ knowledgeBase: 'law', embeddingModelId: 'openai-compatible:bge-m3', dimensions: 1024 });
 */
export function createMilvusVectorStoreConnector(options: MilvusConnectorOptions & { client?: MilvusClientLike }): VectorStoreConnector {
  let client: Promise<MilvusClientLike> | undefined = options.client ? Promise.resolve(options.client) : undefined;
  return {
    kind: 'milvus',
    location: options.address,
    async open(spec) {
      client ??= loadMilvusClient(options);
      return openMilvusCollection(await client, spec, options.address);
    },
  };
}

async function loadMilvusClient(options: MilvusConnectorOptions): Promise<MilvusClientLike> {
  let module: typeof import('@zilliz/milvus2-sdk-node');
  try {
    module = await import('@zilliz/milvus2-sdk-node');
  } catch (error) {
    throw new HangjiaError(
      'E_VECTOR_STORE_PACKAGE',
      'vectors.store is "milvus", which needs the optional package @zilliz/milvus2-sdk-node. Run: npm install @zilliz/milvus2-sdk-node@2.6.11',
      { details: { store: 'milvus', package: '@zilliz/milvus2-sdk-node' }, cause: error },
    );
  }
  // The SDK's own request types are wider unions than the shapes above; the adapter sends only those.
  return new module.MilvusClient({ address: options.address, ...(options.token ? { token: options.token } : {}) }) as unknown as MilvusClientLike;
}

/** The collection's schema (see {@link createMilvusVectorStoreConnector}). */
export function milvusCollectionFields(dimensions: number): MilvusFieldSpec[] {
  return [
    { name: 'id', data_type: 'VarChar', is_primary_key: true, autoID: false, max_length: MAX_ID_LENGTH },
    { name: 'vector', data_type: 'FloatVector', dim: dimensions },
    { name: 'groups', data_type: 'Array', element_type: 'VarChar', max_capacity: MILVUS_MAX_GROUPS, max_length: 64 },
    { name: 'public', data_type: 'Bool' },
    { name: 'stamp', data_type: 'VarChar', max_length: 16 },
  ];
}

/** Opens the collection for `spec`, creating it when missing, and loads it into memory (searches need that). */
export async function openMilvusCollection(client: MilvusClientLike, spec: VectorCollectionSpec, address: string): Promise<VectorStore> {
  const collection = vectorCollectionName(spec);
  const check = milvusChecker(address, collection);
  const has = await check('check the collection', client.hasCollection({ collection_name: collection }), (response) => response.status);
  if (!has.value) {
    await check(
      'create the collection',
      client.createCollection({
        collection_name: collection,
        consistency_level: 'Strong',
        fields: milvusCollectionFields(spec.dimensions),
        index_params: { field_name: 'vector', index_type: 'AUTOINDEX', metric_type: 'COSINE' },
      }),
      (status) => status,
    );
  }
  await check('load the collection', client.loadCollection({ collection_name: collection }), (status) => status);
  return new MilvusVectorStore(client, collection, spec.dimensions, check);
}

type MilvusCheck = <T>(step: string, request: Promise<T>, statusOf: (response: T) => MilvusStatus | undefined) => Promise<T>;

class MilvusVectorStore implements VectorStore {
  readonly kind = 'milvus';

  constructor(
    private readonly client: MilvusClientLike,
    readonly collection: string,
    readonly dimensions: number,
    private readonly check: MilvusCheck,
  ) {}

  async upsert(points: readonly VectorPoint[]): Promise<void> {
    for (const point of points) {
      checkVectorLength(point.vector, this.dimensions, point.id, this.collection);
      if (point.groups.length > MILVUS_MAX_GROUPS) {
        throw new HangjiaError('E_VECTOR_STORE', `Chunk ${point.id} carries ${point.groups.length} access groups; a Milvus collection holds at most ${MILVUS_MAX_GROUPS} per document.`, {
          details: { store: 'milvus', collection: this.collection, id: point.id, groups: point.groups.length, max: MILVUS_MAX_GROUPS },
        });
      }
    }
    for (let start = 0; start < points.length; start += WRITE_BATCH) {
      const data = points.slice(start, start + WRITE_BATCH).map((point) => ({
        id: point.id,
        vector: Array.from(point.vector),
        groups: [...point.groups],
        public: point.groups.length === 0,
        stamp: point.stamp,
      }));
      await this.check('upsert rows', this.client.upsert({ collection_name: this.collection, data }), (response) => response.status);
    }
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (let start = 0; start < ids.length; start += WRITE_BATCH) {
      const filter = `id in ${milvusStringList(ids.slice(start, start + WRITE_BATCH))}`;
      await this.check('delete rows', this.client.delete({ collection_name: this.collection, filter }), (response) => response.status);
    }
  }

  async search(query: ArrayLike<number>, options: VectorStoreSearchOptions): Promise<VectorMatch[]> {
    checkVectorLength(query, this.dimensions, undefined, this.collection);
    const limit = Math.max(0, Math.floor(options.k));
    if (limit === 0) return [];
    const filter = options.readerGroups === undefined ? undefined : milvusAccessFilter(options.readerGroups);
    const response = await this.check(
      'search',
      this.client.search({
        collection_name: this.collection,
        data: Array.from(query),
        anns_field: 'vector',
        limit,
        metric_type: 'COSINE',
        output_fields: ['id'],
        ...(filter ? { filter } : {}),
      }),
      (result) => result.status,
    );
    return response.results.map((row) => ({ id: String(row.id), score: row.score }));
  }

  async *listPoints(): AsyncIterable<StoredVectorPoint[]> {
    const iterator = await this.check(
      'list rows',
      this.client.queryIterator({ collection_name: this.collection, batchSize: LIST_BATCH, output_fields: ['id', 'stamp'], filter: 'id != ""' }),
      () => undefined,
    );
    for await (const rows of iterator) yield rows.map((row) => ({ id: String(row['id']), stamp: String(row['stamp']) }));
  }

  async drop(): Promise<void> {
    await this.check('drop the collection', this.client.dropCollection({ collection_name: this.collection }), (status) => status);
  }

  async close(): Promise<void> {
    await this.client.closeConnection();
  }
}

/**
 * The access rule as a Milvus boolean expression: public rows, or rows sharing a group with the
 * caller (`array_contains_any`). A caller with no groups matches public rows only.
 */
export function milvusAccessFilter(readerGroups: readonly string[]): string {
  return readerGroups.length === 0 ? 'public == true' : `public == true or array_contains_any(groups, ${milvusStringList(readerGroups)})`;
}

/**
 * Strings as a Milvus list literal. JSON's escaping (`\"`, `\\`, `\uXXXX`) is what Milvus's
 * double-quoted strings accept; group names are checked to a safe alphabet before they get here anyway.
 */
function milvusStringList(values: readonly string[]): string {
  return `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;
}

function milvusChecker(address: string, collection: string): MilvusCheck {
  return async (step, request, statusOf) => {
    let response;
    try {
      response = await request;
    } catch (error) {
      throw milvusError(address, collection, step, (error as Error).message, error);
    }
    const status = statusOf(response);
    const code = status?.error_code;
    if (status !== undefined && code !== undefined && code !== 'Success' && code !== 0) {
      throw milvusError(address, collection, step, status.reason || String(code), undefined);
    }
    return response;
  };
}

function milvusError(address: string, collection: string, step: string, reason: string, cause: unknown): HangjiaError {
  return new HangjiaError('E_VECTOR_STORE', `Milvus at ${address} failed to ${step} in collection ${collection}: ${reason}`, {
    details: { store: 'milvus', address, collection, step },
    ...(cause === undefined ? {} : { cause }),
    isRetryable: cause !== undefined,
  });
}
