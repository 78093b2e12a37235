import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { runVectorStoreConformance, vectorDatabaseFromEnvironment } from '../../../../test/conformance/vector-store.case.js';
import { vectorCollectionName, vectorPointStamp } from '../vector-store.js';
import { createMilvusVectorStoreConnector, milvusAccessFilter, type MilvusClientLike, type MilvusStatus } from './milvus-vector-store.js';

const milvus = vectorDatabaseFromEnvironment('HANGJIA_TEST_MILVUS_URL');
runVectorStoreConformance('milvus', () => createMilvusVectorStoreConnector({ address: milvus.url!, ...(process.env['HANGJIA_TEST_MILVUS_TOKEN'] ? { token: process.env['HANGJIA_TEST_MILVUS_TOKEN'] } : {}) }), milvus);

/** `ResStatus` as the SDK returns it for a successful call (Milvus v2 API: `common.Status`). */
const SUCCESS: MilvusStatus = { error_code: 'Success', reason: '', code: 0 };

/**
 * A `MilvusClient`-shaped object that records every request the adapter builds and answers with
 * responses shaped as the SDK documents them (`ResStatus`, `BoolResponse`, `MutationResult`,
 * `SearchResults`, the query iterator's batches). `answers` overrides a method's response.
 */
function recordingClient(answers: Partial<Record<keyof MilvusClientLike, unknown>> = {}): { client: MilvusClientLike; calls: Array<[string, unknown]> } {
  const calls: Array<[string, unknown]> = [];
  const answer = <T>(method: keyof MilvusClientLike, request: unknown, fallback: T): Promise<T> => {
    calls.push([method, request]);
    return Promise.resolve((answers[method] as T | undefined) ?? fallback);
  };
  const mutation = { status: SUCCESS, succ_index: [], err_index: [], acknowledged: false, insert_cnt: '0', delete_cnt: '0', upsert_cnt: '0', timestamp: '0', IDs: { str_id: { data: [] } } };
  const client: MilvusClientLike = {
    hasCollection: (request) => answer('hasCollection', request, { status: SUCCESS, value: false }),
    createCollection: (request) => answer('createCollection', request, SUCCESS),
    loadCollection: (request) => answer('loadCollection', request, SUCCESS),
    upsert: (request) => answer('upsert', request, { ...mutation, upsert_cnt: String(request.data.length) }),
    delete: (request) => answer('delete', request, mutation),
    search: (request) => answer('search', request, { status: SUCCESS, results: [{ id: 'doc-hr#1', score: 0.87 }, { id: 'doc-public#0', score: 0.61 }], recalls: [], session_ts: 0, collection_name: request.collection_name }),
    queryIterator: (request) =>
      answer('queryIterator', request, (async function* () {
        yield [{ id: 'doc-hr#1', stamp: 'a1b2c3d4e5f60718' }];
        yield [{ id: 'doc-public#0', stamp: '0918f7e6d5c4b3a2' }];
      })()),
    dropCollection: (request) => answer('dropCollection', request, SUCCESS),
    closeConnection: () => answer('closeConnection', undefined, 'CLOSED'),
  };
  return { client, calls };
}

const SPEC = { knowledgeBase: 'handbook', embeddingModelId: 'openai-compatible:bge-m3', dimensions: 3 };
const COLLECTION = vectorCollectionName(SPEC);

describe('Milvus adapter requests (a recording MilvusClient answering with documented response shapes)', () => {
  it('creates a missing collection: VarChar key, float vector of the dimension count, groups array, public flag, stamp; AUTOINDEX with COSINE; Strong consistency; then loads it', async () => {
    const { client, calls } = recordingClient();
    const store = await createMilvusVectorStoreConnector({ address: '127.0.0.1:19530', client }).open(SPEC);
    expect(store.collection).toBe(COLLECTION);
    expect(calls).toEqual([
      ['hasCollection', { collection_name: COLLECTION }],
      [
        'createCollection',
        {
          collection_name: COLLECTION,
          consistency_level: 'Strong',
          fields: [
            { name: 'id', data_type: 'VarChar', is_primary_key: true, autoID: false, max_length: 512 },
            { name: 'vector', data_type: 'FloatVector', dim: 3 },
            { name: 'groups', data_type: 'Array', element_type: 'VarChar', max_capacity: 256, max_length: 64 },
            { name: 'public', data_type: 'Bool' },
            { name: 'stamp', data_type: 'VarChar', max_length: 16 },
          ],
          index_params: { field_name: 'vector', index_type: 'AUTOINDEX', metric_type: 'COSINE' },
        },
      ],
      ['loadCollection', { collection_name: COLLECTION }],
    ]);
  });

  it('opens an existing collection by loading it, without creating one', async () => {
    const { client, calls } = recordingClient({ hasCollection: { status: SUCCESS, value: true } });
    await createMilvusVectorStoreConnector({ address: '127.0.0.1:19530', client }).open(SPEC);
    expect(calls.map(([method]) => method)).toEqual(['hasCollection', 'loadCollection']);
  });

  it('upserts rows keyed by chunk id, deletes by an id list expression, and lists rows through the query iterator', async () => {
    const { client, calls } = recordingClient({ hasCollection: { status: SUCCESS, value: true } });
    const store = await createMilvusVectorStoreConnector({ address: '127.0.0.1:19530', client }).open(SPEC);
    await store.upsert([
      { id: 'doc-public#0', vector: Float32Array.of(0.5, 0.25, 1), groups: [], stamp: vectorPointStamp([0.5, 0.25, 1], []) },
      { id: 'doc-hr#1', vector: [1, 0, 0], groups: ['hr', 'legal'], stamp: vectorPointStamp([1, 0, 0], ['hr', 'legal']) },
    ]);
    await store.delete(['doc-old#0', 'doc-"quoted"#1']);
    const pages = [];
    for await (const page of store.listPoints()) pages.push(page);
    expect(pages).toEqual([[{ id: 'doc-hr#1', stamp: 'a1b2c3d4e5f60718' }], [{ id: 'doc-public#0', stamp: '0918f7e6d5c4b3a2' }]]);
    expect(calls.slice(2)).toEqual([
      [
        'upsert',
        {
          collection_name: COLLECTION,
          data: [
            { id: 'doc-public#0', vector: [0.5, 0.25, 1], groups: [], public: true, stamp: vectorPointStamp([0.5, 0.25, 1], []) },
            { id: 'doc-hr#1', vector: [1, 0, 0], groups: ['hr', 'legal'], public: false, stamp: vectorPointStamp([1, 0, 0], ['hr', 'legal']) },
          ],
        },
      ],
      ['delete', { collection_name: COLLECTION, filter: 'id in ["doc-old#0", "doc-\\"quoted\\"#1"]' }],
      ['queryIterator', { collection_name: COLLECTION, batchSize: 1000, output_fields: ['id', 'stamp'], filter: 'id != ""' }],
    ]);
  });

  it('searches with the access rule as a boolean filter (public, or array_contains_any over groups) and returns chunk ids with scores', async () => {
    const { client, calls } = recordingClient({ hasCollection: { status: SUCCESS, value: true } });
    const store = await createMilvusVectorStoreConnector({ address: '127.0.0.1:19530', client }).open(SPEC);
    expect(await store.search([0.1, 0.2, 0.3], { k: 7, readerGroups: ['hr', 'finance'] })).toEqual([
      { id: 'doc-hr#1', score: 0.87 },
      { id: 'doc-public#0', score: 0.61 },
    ]);
    await store.search([0.1, 0.2, 0.3], { k: 7, readerGroups: [] });
    await store.search([0.1, 0.2, 0.3], { k: 7 });
    const base = { collection_name: COLLECTION, data: [0.1, 0.2, 0.3], anns_field: 'vector', limit: 7, metric_type: 'COSINE', output_fields: ['id'] };
    expect(calls.slice(2)).toEqual([
      ['search', { ...base, filter: 'public == true or array_contains_any(groups, ["hr", "finance"])' }],
      ['search', { ...base, filter: 'public == true' }],
      ['search', base],
    ]);
    expect(milvusAccessFilter(['a.b:c-d_e'])).toBe('public == true or array_contains_any(groups, ["a.b:c-d_e"])');
  });

  it('turns a failed status into E_VECTOR_STORE naming the address, collection and step', async () => {
    const failed = { error_code: 'UnexpectedError', reason: 'collection not loaded', code: 101 };
    const { client } = recordingClient({ hasCollection: { status: SUCCESS, value: true }, search: { status: failed, results: [] } });
    const store = await createMilvusVectorStoreConnector({ address: '127.0.0.1:19530', client }).open(SPEC);
    await expect(store.search([1, 0, 0], { k: 3 })).rejects.toMatchObject({
      code: 'E_VECTOR_STORE',
      message: expect.stringContaining('collection not loaded'),
      details: { store: 'milvus', address: '127.0.0.1:19530', collection: COLLECTION, step: 'search' },
    });
    const thrown = recordingClient();
    thrown.client.hasCollection = () => Promise.reject(new Error('14 UNAVAILABLE: No connection established'));
    await expect(createMilvusVectorStoreConnector({ address: '127.0.0.1:1', client: thrown.client }).open(SPEC)).rejects.toMatchObject({
      code: 'E_VECTOR_STORE',
      isRetryable: true,
      details: { step: 'check the collection', address: '127.0.0.1:1' },
    });
  });

  it('builds only requests the SDK\'s own types accept (checked by the type checker)', () => {
    type SdkRequest<Method extends keyof MilvusClient> = MilvusClient[Method] extends (request: infer Request) => unknown ? Request : never;
    type Fits<Method extends keyof MilvusClientLike & keyof MilvusClient> = Parameters<MilvusClientLike[Method]>[0] extends SdkRequest<Method> ? true : false;
    expectTypeOf<Fits<'hasCollection'>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<'createCollection'>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<'loadCollection'>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<'upsert'>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<'delete'>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<'search'>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<'queryIterator'>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<'dropCollection'>>().toEqualTypeOf<true>();
  });

  it('refuses a document with more groups than the collection can hold before sending anything', async () => {
    const { client, calls } = recordingClient({ hasCollection: { status: SUCCESS, value: true } });
    const store = await createMilvusVectorStoreConnector({ address: '127.0.0.1:19530', client }).open(SPEC);
    const groups = Array.from({ length: 257 }, (_, index) => `g${index}`);
    await expect(store.upsert([{ id: 'doc#0', vector: [1, 0, 0], groups, stamp: 'x' }])).rejects.toMatchObject({ code: 'E_VECTOR_STORE', details: { id: 'doc#0', groups: 257, max: 256 } });
    expect(calls.map(([method]) => method)).not.toContain('upsert');
  });
});
