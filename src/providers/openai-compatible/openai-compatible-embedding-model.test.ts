import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { HangjiaError } from '../../errors/index.js';
import { embedMany } from '../../models/index.js';
import { createOpenAICompatibleEmbeddingModel } from './index.js';
import { runEmbeddingModelConformance } from '../../../test/conformance/embedding-model.case.js';
import { embedTextDeterministically, startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';

runEmbeddingModelConformance('openai-compatible (scripted server)', async () => {
  const server = await startScriptedOpenAIServer({ embeddingDimensions: 24 });
  const model = createOpenAICompatibleEmbeddingModel({ baseURL: server.baseURL, model: 'scripted-model', dimensions: 24, maxEmbeddingsPerCall: 4 });
  return { model, dispose: () => server.close() };
});

/** Catches what `promise` rejects with, failing the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<HangjiaError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(HangjiaError);
  return error as HangjiaError;
}

describe('createOpenAICompatibleEmbeddingModel over HTTP', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer({ embeddingDimensions: 8 });
  });
  afterEach(async () => {
    await server.close();
  });
  const makeModel = (overrides: Partial<Parameters<typeof createOpenAICompatibleEmbeddingModel>[0]> = {}) =>
    createOpenAICompatibleEmbeddingModel({ baseURL: `${server.baseURL}/`, model: 'bge-m3', dimensions: 8, ...overrides });

  it('sends model, input and the key, and returns vectors with usage', async () => {
    const result = await embedMany(makeModel({ apiKey: 'sk-test', headers: { 'x-team': 'legal' } }), ['合同', 'law']);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/embeddings');
    expect(request?.body).toEqual({ model: 'bge-m3', input: ['合同', 'law'], encoding_format: 'float' });
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.headers['x-team']).toBe('legal');
    expect(Array.from(result.embeddings[0] ?? [])).toEqual(embedTextDeterministically('合同', 8).map((value) => expect.closeTo(value, 6)));
    expect(result.usage).toEqual({ tokens: 5 });
  });

  it('orders vectors by "index" when the server answers out of order', async () => {
    server.enqueue('/v1/embeddings', {
      json: { data: [{ index: 1, embedding: [0, 1] }, { index: 0, embedding: [1, 0] }] },
    });
    const { embeddings } = await embedMany(makeModel({ dimensions: 2 }), ['a', 'b']);
    expect(embeddings.map((vector) => Array.from(vector))).toEqual([[1, 0], [0, 1]]);
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    server.enqueue('/v1/embeddings', { status: 429, headers: { 'retry-after': '1' }, json: { error: { message: 'rate limited' } } });
    const started = performance.now();
    const { embeddings } = await embedMany(makeModel(), ['试用期']);
    const elapsed = performance.now() - started;
    expect(embeddings).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    // Exponential backoff would have waited 250–500 ms; Retry-After: 1 means a full second.
    expect(elapsed).toBeGreaterThanOrEqual(950);
  });

  it('gives up after maxRetries on repeated 500s with a retryable E_PROVIDER_HTTP', async () => {
    const failure = { status: 500, headers: { 'retry-after-ms': '10' }, body: 'upstream exploded' };
    server.enqueue('/v1/embeddings', failure, failure, failure);
    const error = await rejection(embedMany(makeModel({ maxRetries: 2 }), ['x']));
    expect(error.code).toBe('E_PROVIDER_HTTP');
    expect(error.isRetryable).toBe(true);
    expect(error.details).toMatchObject({ statusCode: 500, responseBody: 'upstream exploded', url: `${server.baseURL}/embeddings`, attempts: 3 });
    expect(error.message).toContain('upstream exploded');
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400 and keeps the body', async () => {
    server.enqueue('/v1/embeddings', { status: 400, json: { error: { message: 'input too long' } } });
    const error = await rejection(embedMany(makeModel(), ['x']));
    expect(error.code).toBe('E_PROVIDER_HTTP');
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('input too long');
    expect(server.requests).toHaveLength(1);
  });

  it('maps 401 to E_PROVIDER_AUTH naming both ways to supply a key', async () => {
    server.enqueue('/v1/embeddings', { status: 401, json: { error: { message: 'Incorrect API key' } } });
    const error = await rejection(embedMany(makeModel(), ['x']));
    expect(error.code).toBe('E_PROVIDER_AUTH');
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('--api-key');
    expect(error.message).toContain('HANGJIA_API_KEY');
    expect(error.details.statusCode).toBe(401);
  });

  it('times out a stalled request with E_PROVIDER_TIMEOUT', async () => {
    server.enqueue('/v1/embeddings', { delayMs: 2000, json: { data: [] } });
    const error = await rejection(embedMany(makeModel({ timeoutMs: 100, maxRetries: 0 }), ['x']));
    expect(error.code).toBe('E_PROVIDER_TIMEOUT');
    expect(error.isRetryable).toBe(true);
    expect(error.details.timeoutMs).toBe(100);
  });

  it('reports a dropped connection as E_PROVIDER_UNREACHABLE and retries it', async () => {
    server.enqueue('/v1/embeddings', { drop: true }, { drop: true });
    const error = await rejection(embedMany(makeModel({ maxRetries: 0 }), ['x']));
    expect(error.code).toBe('E_PROVIDER_UNREACHABLE');
    const { embeddings } = await embedMany(makeModel({ maxRetries: 1 }), ['x']);
    expect(embeddings).toHaveLength(1);
    expect(server.requests).toHaveLength(3);
  });

  it('maps a refused connection to E_PROVIDER_UNREACHABLE', async () => {
    // Take a free port and release it, so nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const model = createOpenAICompatibleEmbeddingModel({ baseURL: `http://127.0.0.1:${port}/v1`, model: 'm', maxRetries: 0 });
    const error = await rejection(embedMany(model, ['x']));
    expect(error.code).toBe('E_PROVIDER_UNREACHABLE');
    expect(error.isRetryable).toBe(true);
    expect(error.details.systemCode).toBe('ECONNREFUSED');
  });

  it('maps a malformed body to E_PROVIDER_RESPONSE without retrying', async () => {
    server.enqueue('/v1/embeddings', { body: '{"data": [' });
    const error = await rejection(embedMany(makeModel(), ['x']));
    expect(error.code).toBe('E_PROVIDER_RESPONSE');
    expect(error.details.responseBody).toBe('{"data": [');
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a body without numeric embeddings', async () => {
    server.enqueue('/v1/embeddings', { json: { data: [{ index: 0, embedding: 'aGVsbG8=' }] } });
    const error = await rejection(embedMany(makeModel(), ['x']));
    expect(error.code).toBe('E_PROVIDER_RESPONSE');
    expect(error.message).toContain('data[0].embedding');
  });

  it('rejects vectors of the wrong length with E_EMBEDDING_DIMENSIONS', async () => {
    server.enqueue('/v1/embeddings', { json: { data: [{ index: 0, embedding: [1, 0, 0] }] } });
    const error = await rejection(embedMany(makeModel(), ['x']));
    expect(error.code).toBe('E_EMBEDDING_DIMENSIONS');
    expect(error.details).toEqual({ provider: 'openai-compatible', modelId: 'bge-m3', expected: 8, got: 3, index: 0 });
  });

  it("stops with the caller's abort reason, not a provider error", async () => {
    server.enqueue('/v1/embeddings', { delayMs: 2000, json: { data: [] } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await expect(embedMany(makeModel(), ['x'], { abortSignal: controller.signal })).rejects.toThrow('user cancelled');
  });
});
