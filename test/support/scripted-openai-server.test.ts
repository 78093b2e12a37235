import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embedTextDeterministically, startScriptedOpenAIServer, type ScriptedOpenAIServer } from './scripted-openai-server.js';

const cosine = (left: number[], right: number[]): number => left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);

describe('scripted OpenAI-compatible server', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer({ embeddingDimensions: 64, models: ['qwen3', 'bge-m3'] });
  });
  afterEach(async () => {
    await server.close();
  });
  const post = (path: string, body: unknown) =>
    fetch(`${server.baseURL}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('embeds so that texts sharing characters are closer', () => {
    const query = embedTextDeterministically('劳动合同试用期', 64);
    expect(cosine(query, embedTextDeterministically('劳动合同的试用期', 64))).toBeGreaterThan(cosine(query, embedTextDeterministically('侵权责任纠纷', 64)));
    expect(embedTextDeterministically('', 4)).toEqual([0, 0, 0, 0]);
  });

  it('answers chat non-streaming and streaming by default, and lists models', async () => {
    const messages = [{ role: 'user', content: '你好' }];
    const completion = (await (await post('/chat/completions', { model: 'qwen3', messages })).json()) as { choices: { message: { content: string } }[] };
    expect(completion.choices[0]?.message.content).toBe('echo: 你好');

    const response = await post('/chat/completions', { model: 'qwen3', messages, stream: true });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const deltas = events.slice(0, -2).map((event) => (JSON.parse(event.slice('data: '.length)) as { choices: { delta: { content: string } }[] }).choices[0]?.delta.content);
    expect(deltas.join('')).toBe('echo: 你好');

    const models = (await (await fetch(`${server.baseURL}/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toEqual(['qwen3', 'bge-m3']);
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /v1/chat/completions',
      'POST /v1/chat/completions',
      'GET /v1/models',
    ]);
  });

  it('plays scripted replies in order, including a stream dropped mid-way, then falls back to defaults', async () => {
    server.enqueue(
      '/v1/chat/completions',
      { status: 503, headers: { 'retry-after': '2' }, json: { error: { message: 'busy' } } },
      { events: [{ n: 1 }, { n: 2 }, '[DONE]'], dropAfterEvents: 1 },
      (request) => ({ json: { seen: (request.body as { model: string }).model } }),
    );
    const busy = await post('/chat/completions', {});
    expect([busy.status, busy.headers.get('retry-after')]).toEqual([503, '2']);
    const dropped = await post('/chat/completions', {});
    await expect(dropped.text()).rejects.toThrow();
    expect(await (await post('/chat/completions', { model: 'm' })).json()).toEqual({ seen: 'm' });
    expect((await post('/chat/completions', { messages: [{ role: 'user', content: 'x' }] })).status).toBe(200);
  });

  it('closes while a scripted reply is still waiting', async () => {
    server.enqueue('/v1/embeddings', { delayMs: 60_000, json: {} });
    const pending = post('/embeddings', { input: ['x'] }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.close();
    expect(await pending).toBeInstanceOf(Error);
    server = await startScriptedOpenAIServer(); // afterEach closes this one
  });
});
