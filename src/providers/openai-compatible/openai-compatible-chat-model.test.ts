import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { generateObject, generateText, streamText, type LanguageModelStreamPart } from '../../models/index.js';
import { createOpenAICompatibleChatModel } from './index.js';
import { runLanguageModelConformance } from '../../../test/conformance/language-model.case.js';
import { startScriptedOpenAIServer, toolCallsReply, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';

runLanguageModelConformance('openai-compatible (scripted server)', async () => {
  const server = await startScriptedOpenAIServer();
  const model = createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'scripted-model' });
  return {
    model,
    maxTokens: 8,
    prepareJsonReply: () => server.enqueue('/v1/chat/completions', chatReply('{"answerable": true, "confidence": "high"}')),
    prepareToolCallReply: (tool) => server.enqueue('/v1/chat/completions', toolCallsReply([{ name: tool.name, arguments: { expression: '3000*2' } }])),
    dispose: () => server.close(),
  };
});

/** A non-streaming chat completion body with `content`. */
function chatReply(content: string, extra: Record<string, unknown> = {}) {
  return {
    json: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
      ...extra,
    },
  };
}

/** SSE chunk objects carrying one delta each. */
function deltaChunks(...deltas: string[]): object[] {
  return deltas.map((content) => ({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] }));
}
const FINISH_CHUNK = { object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
const USAGE_CHUNK = { object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 20, completion_tokens: 3 } };

async function collect(stream: AsyncIterable<LanguageModelStreamPart>): Promise<LanguageModelStreamPart[]> {
  const parts: LanguageModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function rejection(promise: Promise<unknown>): Promise<HangjiaError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(HangjiaError);
  return error as HangjiaError;
}

const MESSAGES = [{ role: 'user' as const, content: '试用期最长多久？' }];

describe('createOpenAICompatibleChatModel over HTTP', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });
  const makeModel = (overrides: Partial<Parameters<typeof createOpenAICompatibleChatModel>[0]> = {}) =>
    createOpenAICompatibleChatModel({ baseURL: `${server.baseURL}/`, model: 'qwen2.5', ...overrides });

  it('sends model, messages, sampling settings and the key; returns text, finish reason and usage', async () => {
    server.enqueue('/v1/chat/completions', chatReply('六个月。'));
    const model = makeModel({ apiKey: 'sk-test', contextSize: 32768 });
    const result = await generateText(model, { messages: [{ role: 'system', content: '简短' }, ...MESSAGES], temperature: 0.2, maxTokens: 64, stop: ['\n\n'] });
    expect(result).toEqual({ text: '六个月。', finishReason: 'stop', usage: { inputTokens: 11, outputTokens: 7 } });
    expect(model.contextSize).toBe(32768);
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.body).toEqual({
      model: 'qwen2.5',
      messages: [{ role: 'system', content: '简短' }, { role: 'user', content: '试用期最长多久？' }],
      temperature: 0.2,
      max_tokens: 64,
      stop: ['\n\n'],
    });
  });

  it('maps finish_reason "length" and tolerates a missing usage', async () => {
    server.enqueue('/v1/chat/completions', { json: { choices: [{ message: { content: '六个' }, finish_reason: 'length' }] } });
    expect(await generateText(makeModel(), { messages: MESSAGES })).toEqual({
      text: '六个',
      finishReason: 'length',
      usage: { inputTokens: undefined, outputTokens: undefined },
    });
  });

  it('streams deltas with stream_options, usage from the last chunk, and [DONE]', async () => {
    server.enqueue('/v1/chat/completions', { events: [...deltaChunks('六', '个月'), FINISH_CHUNK, USAGE_CHUNK, '[DONE]'] });
    const { stream } = await makeModel().doStream({ messages: MESSAGES });
    expect(await collect(stream)).toEqual([
      { type: 'text-delta', delta: '六' },
      { type: 'text-delta', delta: '个月' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 20, outputTokens: 3 } },
    ]);
    expect(server.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(server.requests[0]?.headers.accept).toBe('text/event-stream');
  });

  it('sends a json_schema response format and validates the reply', async () => {
    const schema = { type: 'object', properties: { months: { type: 'integer' } }, required: ['months'] } as const;
    server.enqueue('/v1/chat/completions', chatReply('{"months": 6}'));
    const result = await generateObject<{ months: number }>(makeModel(), { messages: MESSAGES, schema, schemaName: 'probation' });
    expect(result.object).toEqual({ months: 6 });
    expect(server.requests[0]?.body).toMatchObject({ response_format: { type: 'json_schema', json_schema: { name: 'probation', schema } } });
  });

  it('rejects JSON that breaks the schema with E_MODEL_OUTPUT carrying the raw text', async () => {
    const schema = { type: 'object', properties: { months: { type: 'integer' } }, required: ['months'] } as const;
    server.enqueue('/v1/chat/completions', chatReply('{"months": 176e-2}'));
    const error = await rejection(generateObject(makeModel(), { messages: MESSAGES, schema }));
    expect(error.code).toBe('E_MODEL_OUTPUT');
    expect(error.details).toMatchObject({ text: '{"months": 176e-2}', problems: ['/months: expected integer, found 176e-2'], finishReason: 'stop' });
  });

  it('retries a 429 before the first byte, then streams', async () => {
    server.enqueue(
      '/v1/chat/completions',
      { status: 429, headers: { 'retry-after-ms': '20' }, json: { error: { message: 'rate limited' } } },
      { events: [...deltaChunks('好'), FINISH_CHUNK, '[DONE]'] },
    );
    const result = streamText(makeModel(), { messages: MESSAGES });
    expect(await result.completion).toMatchObject({ text: '好', finishReason: 'stop', incomplete: false });
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after maxRetries on repeated 500s with a retryable E_PROVIDER_HTTP', async () => {
    const failure = { status: 500, headers: { 'retry-after-ms': '10' }, body: 'upstream exploded' };
    server.enqueue('/v1/chat/completions', failure, failure);
    const error = await rejection(makeModel({ maxRetries: 1 }).doStream({ messages: MESSAGES }));
    expect(error.code).toBe('E_PROVIDER_HTTP');
    expect(error.isRetryable).toBe(true);
    expect(error.details).toMatchObject({ statusCode: 500, responseBody: 'upstream exploded', attempts: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it('times out when the first byte does not come, and when chunks stop coming', async () => {
    server.enqueue('/v1/chat/completions', { delayMs: 2000, events: ['[DONE]'] });
    const firstByte = await rejection(makeModel({ timeoutMs: 100, maxRetries: 0 }).doStream({ messages: MESSAGES }));
    expect(firstByte.code).toBe('E_PROVIDER_TIMEOUT');
    expect(firstByte.details.timeoutMs).toBe(100);

    server.enqueue('/v1/chat/completions', { events: [...deltaChunks('六', '个'), FINISH_CHUNK, '[DONE]'], eventDelayMs: 300 });
    const result = streamText(makeModel({ idleTimeoutMs: 150 }), { messages: MESSAGES });
    const completion = await result.completion;
    expect(completion).toMatchObject({ finishReason: 'error', incomplete: true });
    expect(completion.error?.code).toBe('E_PROVIDER_TIMEOUT');
    expect(completion.error?.details.timeoutMs).toBe(150);
  });

  it('turns a malformed chunk into an error part and keeps the text so far', async () => {
    server.enqueue('/v1/chat/completions', { events: [...deltaChunks('六个'), '{"choices": [', ...deltaChunks('月'), '[DONE]'] });
    const { stream } = await makeModel().doStream({ messages: MESSAGES });
    const parts = await collect(stream);
    expect(parts.map((part) => part.type)).toEqual(['text-delta', 'error', 'finish']);
    const errorPart = parts[1];
    expect(errorPart?.type === 'error' && errorPart.error.code).toBe('E_PROVIDER_RESPONSE');
    expect(errorPart?.type === 'error' && errorPart.error.details.responseBody).toBe('{"choices": [');
    expect(parts[2]).toMatchObject({ type: 'finish', finishReason: 'error' });
  });

  it('keeps the partial text, marked incomplete, when the connection drops mid-stream', async () => {
    // destroy() discards unflushed writes, so the delay lets both deltas reach the client; the
    // empty third chunk is the one that may be lost with the socket.
    const emptyChunk = { choices: [{ index: 0, delta: {}, finish_reason: null }] };
    server.enqueue('/v1/chat/completions', {
      events: [...deltaChunks('劳动', '合同'), emptyChunk, FINISH_CHUNK, '[DONE]'],
      eventDelayMs: 30,
      dropAfterEvents: 3,
    });
    const completion = await streamText(makeModel(), { messages: MESSAGES }).completion;
    expect(completion).toMatchObject({ text: '劳动合同', finishReason: 'error', incomplete: true });
    expect(completion.error?.code).toBe('E_PROVIDER_STREAM');
    expect(completion.error?.isRetryable).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a stream that ends without finish reason or [DONE] as incomplete', async () => {
    server.enqueue('/v1/chat/completions', { events: deltaChunks('劳动') });
    const completion = await streamText(makeModel(), { messages: MESSAGES }).completion;
    expect(completion).toMatchObject({ text: '劳动', finishReason: 'error', incomplete: true });
    expect(completion.error?.code).toBe('E_PROVIDER_RESPONSE');
  });

  it('names the model when the server does not know it (404 or a 400 saying so)', async () => {
    server.enqueue('/v1/chat/completions', { status: 404, json: { error: { message: "model 'qwen9' not found", type: 'not_found_error' } } });
    const notFound = await rejection(generateText(makeModel({ model: 'qwen9' }), { messages: MESSAGES }));
    expect(notFound.code).toBe('E_MODEL_NOT_FOUND');
    expect(notFound.message).toContain('"qwen9"');
    expect(notFound.message).toContain(`${server.baseURL}/models`);
    expect(notFound.isRetryable).toBe(false);

    server.enqueue('/v1/chat/completions', { status: 400, json: { error: { message: 'The model `qwen9` does not exist.', code: 'model_not_found' } } });
    const streamed = await rejection(makeModel({ model: 'qwen9' }).doStream({ messages: MESSAGES }));
    expect(streamed.code).toBe('E_MODEL_NOT_FOUND');
    expect(server.requests).toHaveLength(2);
  });

  it('maps a 400 about the context length to E_CONTEXT_OVERFLOW', async () => {
    const message = "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.";
    server.enqueue('/v1/chat/completions', { status: 400, json: { error: { message, type: 'invalid_request_error' } } });
    const error = await rejection(generateText(makeModel(), { messages: MESSAGES }));
    expect(error.code).toBe('E_CONTEXT_OVERFLOW');
    expect(error.message).toContain('maximum context length is 4096');
    expect(error.isRetryable).toBe(false);
  });

  it('keeps other 400s as E_PROVIDER_HTTP, and 401 as E_PROVIDER_AUTH', async () => {
    server.enqueue('/v1/chat/completions', { status: 400, json: { error: { message: 'temperature must be <= 2' } } }, { status: 401, body: 'bad key' });
    expect((await rejection(generateText(makeModel(), { messages: MESSAGES, temperature: 5 }))).code).toBe('E_PROVIDER_HTTP');
    expect((await rejection(generateText(makeModel(), { messages: MESSAGES }))).code).toBe('E_PROVIDER_AUTH');
  });

  it('rejects a body without message content as E_PROVIDER_RESPONSE', async () => {
    server.enqueue('/v1/chat/completions', { json: { choices: [] } });
    const error = await rejection(generateText(makeModel(), { messages: MESSAGES }));
    expect(error.code).toBe('E_PROVIDER_RESPONSE');
    expect(error.message).toContain('chat completions');
  });

  it("stops a slow stream on the caller's abort with finishReason 'abort'", async () => {
    server.enqueue('/v1/chat/completions', { events: [...deltaChunks('一', '二', '三'), FINISH_CHUNK, '[DONE]'], eventDelayMs: 500 });
    const controller = new AbortController();
    const result = streamText(makeModel(), { messages: MESSAGES, abortSignal: controller.signal });
    const started = performance.now();
    for await (const part of result) if (part.type === 'text-delta') controller.abort(new Error('user cancelled'));
    expect(await result.completion).toMatchObject({ text: '一', finishReason: 'abort', incomplete: true });
    // Without cancelling the body read, the remaining events would take another 2 s.
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
