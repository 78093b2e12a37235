import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { rerank } from '../../models/index.js';
import { createHttpRerankingModel } from './index.js';
import { runRerankingModelConformance } from '../../../test/conformance/reranking-model.case.js';
import { scoreRelevanceDeterministically, startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';

runRerankingModelConformance('http, documents shape (scripted /v1/rerank)', async () => {
  const server = await startScriptedOpenAIServer();
  return { model: createHttpRerankingModel({ baseURL: server.baseURL, model: 'bge-reranker-v2-m3', maxDocumentsPerCall: 4 }), dispose: () => server.close() };
});

runRerankingModelConformance('http, Text Embeddings Inference shape (scripted /rerank)', async () => {
  const server = await startScriptedOpenAIServer();
  return { model: createHttpRerankingModel({ baseURL: `http://127.0.0.1:${server.port}`, requestFormat: 'texts', maxDocumentsPerCall: 3 }), dispose: () => server.close() };
});

describe('createHttpRerankingModel', () => {
  let server: ScriptedOpenAIServer;
  beforeAll(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterAll(async () => {
    await server.close();
  });
  const documents = ['劳动合同范本', '试用期工资', 'unrelated'];

  it('sends { model, query, documents } and reads results[].relevance_score by index, with the token usage', async () => {
    const model = createHttpRerankingModel({ baseURL: server.baseURL, model: 'bge-reranker-v2-m3', apiKey: 'secret' });
    const { ranking, usage } = await rerank(model, { query: '劳动合同试用期', documents });
    // 劳动合同 = 4 of the query's 7 distinct characters; 试用期 = 3 of 7; nothing in common = 0.
    expect(ranking).toEqual([
      { index: 0, score: 4 / 7 },
      { index: 1, score: 3 / 7 },
      { index: 2, score: 0 },
    ]);
    expect(ranking[0]!.score).toBe(scoreRelevanceDeterministically('劳动合同试用期', documents[0]!));
    expect(usage.tokens).toBe(7 + documents.join('').length);
    const request = server.requests.at(-1)!;
    expect(request.path).toBe('/v1/rerank');
    expect(request.body).toEqual({ model: 'bge-reranker-v2-m3', query: '劳动合同试用期', documents });
    expect(request.headers.authorization).toBe('Bearer secret');
  });

  it("switches to TEI's { query, texts } shape when the server asks for texts, and keeps it", async () => {
    const model = createHttpRerankingModel({ baseURL: `http://127.0.0.1:${server.port}` });
    const before = server.requests.length;
    const { ranking } = await rerank(model, { query: '劳动合同试用期', documents });
    expect(ranking.map((entry) => entry.index)).toEqual([0, 1, 2]);
    await rerank(model, { query: '试用期', documents });
    const sent = server.requests.slice(before).map((request) => [request.path, Object.keys(request.body as object).sort().join(',')]);
    expect(sent).toEqual([
      ['/rerank', 'documents,query'],
      ['/rerank', 'query,texts,truncate'],
      ['/rerank', 'query,texts,truncate'],
    ]);
    expect(model.modelId).toBe(`http://127.0.0.1:${server.port}/rerank`);
  });

  it('reports an HTTP error with URL, status and body', async () => {
    server.enqueue('/v1/rerank', { status: 500, json: { error: { message: 'model crashed' } } });
    const model = createHttpRerankingModel({ baseURL: server.baseURL, model: 'm', maxRetries: 0 });
    const error = (await rerank(model, { query: 'q', documents: ['d'] }).catch((reason: unknown) => reason)) as HangjiaError;
    expect(HangjiaError.is(error, 'E_PROVIDER_HTTP')).toBe(true);
    expect(error.details).toMatchObject({ url: `${server.baseURL}/rerank`, statusCode: 500, responseBody: '{"error":{"message":"model crashed"}}' });
    expect(error.isRetryable).toBe(true);
  });

  it('does not switch shapes on a 422 that is not about texts', async () => {
    server.enqueue('/v1/rerank', { status: 422, body: 'query is too long' });
    const model = createHttpRerankingModel({ baseURL: server.baseURL, model: 'm' });
    const error = (await rerank(model, { query: 'q', documents: ['d'] }).catch((reason: unknown) => reason)) as HangjiaError;
    expect(HangjiaError.is(error, 'E_PROVIDER_HTTP')).toBe(true);
    expect(error.details['statusCode']).toBe(422);
  });

  it('rejects a body of another shape, and a result list that misses a document', async () => {
    server.enqueue('/v1/rerank', { json: { data: [] } }, { json: { results: [{ index: 0, relevance_score: 0.5 }] } });
    const model = createHttpRerankingModel({ baseURL: server.baseURL, model: 'm' });
    const shape = (await rerank(model, { query: 'q', documents: ['a', 'b'] }).catch((reason: unknown) => reason)) as HangjiaError;
    expect(HangjiaError.is(shape, 'E_PROVIDER_RESPONSE')).toBe(true);
    expect(shape.message).toContain('Text Embeddings Inference');
    const missing = (await rerank(model, { query: 'q', documents: ['a', 'b'] }).catch((reason: unknown) => reason)) as HangjiaError;
    expect(HangjiaError.is(missing, 'E_PROVIDER_RESPONSE')).toBe(true);
    expect(missing.message).toContain('returned 1 scores for 2 documents');
  });
});
