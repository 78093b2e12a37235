import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runVectorStoreConformance, vectorDatabaseFromEnvironment } from '../../../../test/conformance/vector-store.case.js';
import { vectorCollectionName, vectorPointStamp } from '../vector-store.js';
import { createQdrantVectorStoreConnector, qdrantPointId } from './qdrant-vector-store.js';

const qdrant = vectorDatabaseFromEnvironment('HANGJIA_TEST_QDRANT_URL');
runVectorStoreConformance('qdrant', () => createQdrantVectorStoreConnector({ url: qdrant.url!, ...(process.env['HANGJIA_TEST_QDRANT_API_KEY'] ? { apiKey: process.env['HANGJIA_TEST_QDRANT_API_KEY'] } : {}) }), qdrant);

interface RecordedRequest {
  method: string;
  /** Path and query, with the collection name replaced by `{collection}`. */
  path: string;
  body: unknown;
  apiKey: string | undefined;
}

/**
 * A scripted Qdrant on 127.0.0.1: answers each `METHOD /path` (collection name replaced by
 * `{collection}`, query string dropped) with the next fixture queued for it, and records what the
 * real client sent. An unscripted request gets 500 and fails the test through the adapter's error.
 */
async function startScriptedQdrant(script: Record<string, string[]>): Promise<{ url: string; requests: RecordedRequest[]; close: () => Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const queues = new Map(Object.entries(script).map(([route, fixtures]) => [route, [...fixtures]]));
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const generic = (request.url ?? '').replace(/^\/collections\/[^/?]+/, '/collections/{collection}');
      requests.push({ method: request.method ?? '', path: generic, body: text === '' ? undefined : JSON.parse(text), apiKey: request.headers['api-key'] as string | undefined });
      const fixtureName = queues.get(`${request.method} ${generic.split('?')[0]}`)?.shift();
      const fixture = fixtureName ? (JSON.parse(fs.readFileSync(path.join(FIXTURES, `${fixtureName}.json`), 'utf8')) as { status: number; body: unknown }) : { status: 500, body: { status: { error: `unscripted ${request.method} ${generic}` } } };
      response.writeHead(fixture.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(fixture.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const FIXTURES = path.join(import.meta.dirname, '__fixtures__', 'qdrant');
const SPEC = { knowledgeBase: 'handbook', embeddingModelId: 'openai-compatible:bge-m3', dimensions: 3 };

describe('Qdrant adapter requests (scripted server answering with documented response shapes)', () => {
  const servers: Array<{ close: () => Promise<void> }> = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  const start = async (script: Record<string, string[]>) => {
    const server = await startScriptedQdrant(script);
    servers.push(server);
    return server;
  };

  it('creates a missing collection with the vector size and cosine distance, then keyword and bool payload indexes', async () => {
    const server = await start({
      'GET /collections/{collection}/exists': ['collection-exists-false'],
      'PUT /collections/{collection}': ['create-collection'],
      'PUT /collections/{collection}/index': ['create-payload-index', 'create-payload-index'],
    });
    const store = await createQdrantVectorStoreConnector({ url: server.url, apiKey: 'test-key' }).open(SPEC);
    expect(store.collection).toBe(vectorCollectionName(SPEC));
    expect(server.requests).toEqual([
      { method: 'GET', path: '/collections/{collection}/exists', body: undefined, apiKey: 'test-key' },
      { method: 'PUT', path: '/collections/{collection}', body: { vectors: { size: 3, distance: 'Cosine' } }, apiKey: 'test-key' },
      { method: 'PUT', path: '/collections/{collection}/index?wait=true', body: { field_name: 'groups', field_schema: 'keyword' }, apiKey: 'test-key' },
      { method: 'PUT', path: '/collections/{collection}/index?wait=true', body: { field_name: 'public', field_schema: 'bool' }, apiKey: 'test-key' },
    ]);
  });

  it('opens an existing collection with its payload indexes without creating anything', async () => {
    const server = await start({ 'GET /collections/{collection}/exists': ['collection-exists-true'], 'GET /collections/{collection}': ['get-collection-indexed'] });
    await createQdrantVectorStoreConnector({ url: server.url }).open(SPEC);
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /collections/{collection}/exists', 'GET /collections/{collection}']);
    expect(server.requests[0]?.apiKey).toBeUndefined();
  });

  it('adds the payload indexes an existing collection lacks (a process killed right after creating it)', async () => {
    const server = await start({
      'GET /collections/{collection}/exists': ['collection-exists-true'],
      'GET /collections/{collection}': ['get-collection-unindexed'],
      'PUT /collections/{collection}/index': ['create-payload-index', 'create-payload-index'],
    });
    await createQdrantVectorStoreConnector({ url: server.url }).open(SPEC);
    expect(server.requests.slice(2).map((request) => [request.method, request.path, request.body])).toEqual([
      ['PUT', '/collections/{collection}/index?wait=true', { field_name: 'groups', field_schema: 'keyword' }],
      ['PUT', '/collections/{collection}/index?wait=true', { field_name: 'public', field_schema: 'bool' }],
    ]);
  });

  it('upserts points under UUIDs derived from chunk ids, with chunk id, groups, public flag and stamp as payload', async () => {
    const server = await start({ 'GET /collections/{collection}/exists': ['collection-exists-true'], 'GET /collections/{collection}': ['get-collection-indexed'], 'PUT /collections/{collection}/points': ['upsert-points'] });
    const store = await createQdrantVectorStoreConnector({ url: server.url }).open(SPEC);
    const points = [
      { id: 'doc-public#0', vector: Float32Array.of(0.5, 0.25, 1), groups: [], stamp: vectorPointStamp([0.5, 0.25, 1], []) },
      { id: 'doc-hr#1', vector: [1, 0, 0], groups: ['hr', 'legal'], stamp: vectorPointStamp([1, 0, 0], ['hr', 'legal']) },
    ];
    await store.upsert(points);
    expect(server.requests[2]).toEqual({
      method: 'PUT',
      path: '/collections/{collection}/points?wait=true',
      body: {
        points: [
          { id: qdrantPointId('doc-public#0'), vector: [0.5, 0.25, 1], payload: { chunk_id: 'doc-public#0', groups: [], public: true, stamp: points[0]!.stamp } },
          { id: qdrantPointId('doc-hr#1'), vector: [1, 0, 0], payload: { chunk_id: 'doc-hr#1', groups: ['hr', 'legal'], public: false, stamp: points[1]!.stamp } },
        ],
      },
      apiKey: undefined,
    });
    expect(qdrantPointId('doc-public#0')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('searches with the access filter in the query request (public, or sharing a group) and maps payload chunk ids back', async () => {
    const server = await start({ 'GET /collections/{collection}/exists': ['collection-exists-true'], 'GET /collections/{collection}': ['get-collection-indexed'], 'POST /collections/{collection}/points/query': ['query-points', 'query-points', 'query-points'] });
    const store = await createQdrantVectorStoreConnector({ url: server.url }).open(SPEC);
    const matches = await store.search([0.1, 0.2, 0.3], { k: 7, readerGroups: ['hr', 'finance'] });
    expect(matches).toEqual([
      { id: 'doc-public#0', score: 0.9321 },
      { id: 'doc-hr#1', score: 0.8175 },
    ]);
    await store.search([0.1, 0.2, 0.3], { k: 7, readerGroups: [] });
    await store.search([0.1, 0.2, 0.3], { k: 7 });
    const isPublic = { key: 'public', match: { value: true } };
    expect(server.requests.slice(2).map((request) => [request.path, request.body])).toEqual([
      ['/collections/{collection}/points/query', { query: [0.1, 0.2, 0.3], limit: 7, with_payload: ['chunk_id'], filter: { should: [isPublic, { key: 'groups', match: { any: ['hr', 'finance'] } }] } }],
      // No groups: public points only (an empty `any` is not a condition to rely on).
      ['/collections/{collection}/points/query', { query: [0.1, 0.2, 0.3], limit: 7, with_payload: ['chunk_id'], filter: { should: [isPublic] } }],
      // Unrestricted (CLI, admin key): no filter at all.
      ['/collections/{collection}/points/query', { query: [0.1, 0.2, 0.3], limit: 7, with_payload: ['chunk_id'] }],
    ]);
  });

  it('deletes by derived point ids and lists points page by page through scroll offsets', async () => {
    const server = await start({
      'GET /collections/{collection}/exists': ['collection-exists-true'], 'GET /collections/{collection}': ['get-collection-indexed'],
      'POST /collections/{collection}/points/delete': ['delete-points'],
      'POST /collections/{collection}/points/scroll': ['scroll-points-page-1', 'scroll-points-page-2'],
    });
    const store = await createQdrantVectorStoreConnector({ url: server.url }).open(SPEC);
    await store.delete(['doc-old#0', 'doc-old#1']);
    const pages = [];
    for await (const page of store.listPoints()) pages.push(page);
    expect(pages).toEqual([[{ id: 'doc-hr#1', stamp: 'a1b2c3d4e5f60718' }], [{ id: 'doc-public#0', stamp: '0918f7e6d5c4b3a2' }]]);
    expect(server.requests.slice(2).map((request) => [request.path, request.body])).toEqual([
      ['/collections/{collection}/points/delete?wait=true', { points: [qdrantPointId('doc-old#0'), qdrantPointId('doc-old#1')] }],
      ['/collections/{collection}/points/scroll', { limit: 1000, with_payload: ['chunk_id', 'stamp'], with_vector: false }],
      ['/collections/{collection}/points/scroll', { limit: 1000, with_payload: ['chunk_id', 'stamp'], with_vector: false, offset: '5b2c1d1e-9a4f-4f3e-8d7a-1c2b3a4d5e6f' }],
    ]);
  });

  it('turns an error response into E_VECTOR_STORE naming the server, collection and step, never the API key', async () => {
    const server = await start({ 'GET /collections/{collection}/exists': ['collection-exists-true'], 'GET /collections/{collection}': ['get-collection-indexed'], 'POST /collections/{collection}/points/query': ['query-points-not-found'] });
    const store = await createQdrantVectorStoreConnector({ url: server.url, apiKey: 'secret-key' }).open(SPEC);
    const error = await store.search([1, 0, 0], { k: 3 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_VECTOR_STORE', details: { store: 'qdrant', url: server.url, collection: store.collection, step: 'search', status: 404 }, isRetryable: false });
    expect((error as Error).message).toContain('doesn\'t exist');
    expect(JSON.stringify({ message: (error as Error).message, details: (error as { details: unknown }).details })).not.toContain('secret-key');
  });

  it('reports an unreachable server as a retryable E_VECTOR_STORE at the first step', async () => {
    const server = await start({});
    await server.close();
    servers.length = 0;
    await expect(createQdrantVectorStoreConnector({ url: server.url }).open(SPEC)).rejects.toMatchObject({ code: 'E_VECTOR_STORE', details: { step: 'check the collection', url: server.url }, isRetryable: true });
  });
});
