import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatStreamEvents } from '../answer/__fixtures__/handbook.js';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import { createTestKnowledgeBase, startTestServer, type TestServer } from './__fixtures__/test-server.js';

const temporaryDirectory = useTemporaryDirectories();

/** The official `openai` client against `hangjia serve` on loopback, answering from the handbook with the scripted model. */
describe('OpenAI-compatible endpoints', () => {
  let model: ScriptedOpenAIServer;
  let server: TestServer;
  let client: OpenAI;
  beforeEach(async () => {
    model = await startScriptedOpenAIServer();
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr');
    server = await startTestServer(home, { modelBaseURL: model.baseURL });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused-without-keys', maxRetries: 0 });
  });
  afterEach(async () => {
    await server.close();
    await model.close();
  });

  it('answers kb:<name> with a cited completion; the citations travel in the extra field', async () => {
    model.enqueue('/v1/chat/completions', { events: chatStreamEvents(['劳动合同期限三年以上的，试用期不得超过六个月[2]。', '详见附件[7]。']) });
    const completion = await client.chat.completions.create({ model: 'kb:hr', messages: [{ role: 'user', content: '试用期最长多久？' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('kb:hr');
    // The post-check removed the marker that points at no passage.
    expect(completion.choices[0]!.message.content).toBe('劳动合同期限三年以上的，试用期不得超过六个月[2]。详见附件。');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({ prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 });
    const extra = completion as unknown as { citations: Array<Record<string, unknown>>; hangjia: Record<string, unknown> };
    expect(extra.citations).toHaveLength(1);
    expect(extra.citations[0]).toMatchObject({ n: 2, headingPath: ['星河网络员工手册', '第二章 劳动合同', '第二条'], snippet: '劳动合同期限三年以上的，试用期不得超过六个月。' });
    expect(String(extra.citations[0]!['chunkId'])).toMatch(/#\d+$/);
    expect(extra.hangjia).toMatchObject({ kind: 'generated', refusal: null, unsupportedSentences: 1 });
    // The model was prompted with the handbook's passage, as `hangjia ask` prompts it.
    expect(model.requests).toHaveLength(1);
    expect(JSON.stringify(model.requests[0]!.body)).toContain('试用期不得超过六个月');
  });

  it('streams chat.completion.chunk events; the last carries the citations', async () => {
    model.enqueue('/v1/chat/completions', { events: chatStreamEvents(['试用期', '不得超过六个月[2]。']) });
    const stream = await client.chat.completions.create({ model: 'kb:hr', stream: true, messages: [{ role: 'user', content: '试用期最长多久？' }] });
    const chunks: Array<Record<string, unknown> & { choices: Array<{ delta: { content?: string | null }; finish_reason: string | null }> }> = [];
    for await (const chunk of stream) chunks.push(chunk as never);
    expect(chunks.map((chunk) => chunk.choices[0]!.delta.content ?? '').join('')).toBe('试用期不得超过六个月[2]。');
    const last = chunks[chunks.length - 1]!;
    expect(last.choices[0]!.finish_reason).toBe('stop');
    expect(last['citations']).toEqual([expect.objectContaining({ n: 2, snippet: '劳动合同期限三年以上的，试用期不得超过六个月。' })]);
    expect(chunks.slice(0, -1).every((chunk) => chunk['citations'] === undefined)).toBe(true);
  });

  it('condenses a follow-up with the conversation and sends the earlier turn to the model', async () => {
    model.enqueue('/v1/chat/completions', { json: { choices: [{ message: { content: '员工的年休假有几天？' } }] } });
    model.enqueue('/v1/chat/completions', { events: chatStreamEvents(['满一年不满十年的，年休假五天[1]。']) });
    const completion = await client.chat.completions.create({
      model: 'kb:hr',
      messages: [
        { role: 'system', content: 'ignored: the knowledge base has its own prompt' },
        { role: 'user', content: '年休假有几天？' },
        { role: 'assistant', content: '年休假五天到十天。' },
        { role: 'user', content: '那满十年呢？' },
      ],
    });
    expect((completion as unknown as { hangjia: { standaloneQuestion: string } }).hangjia.standaloneQuestion).not.toBe('那满十年呢？');
    const answerPrompt = JSON.stringify(model.requests[model.requests.length - 1]!.body);
    expect(answerPrompt).toContain('年休假五天到十天。');
    expect(answerPrompt).not.toContain('ignored: the knowledge base');
  });

  it('gives OpenAI error bodies: an unknown knowledge base is a 404 naming it, a bad field a 400 naming the field', async () => {
    const missing = await client.chat.completions.create({ model: 'kb:payroll', messages: [{ role: 'user', content: '工资' }] }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).message).toContain('Knowledge base "payroll" does not exist');
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('E_KB_NOT_FOUND');
    const malformed = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'kb:hr', messages: [{ role: 'user', content: 5 }] }) });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'E_REQUEST', param: 'messages.0.content' } });
    const notJson = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": "kb:hr", ' });
    expect(notJson.status).toBe(400);
    expect(model.requests).toHaveLength(0);
  });

  it('lists readable knowledge bases as kb:<name> models; embeddings without a configured model is a 404 naming the setting', async () => {
    const models = await client.models.list();
    expect(models.data.map((entry) => entry.id)).toEqual(['kb:hr']);
    const embedding = await client.embeddings.create({ model: 'any', input: '试用期' }).catch((error: unknown) => error);
    expect(embedding).toBeInstanceOf(OpenAI.NotFoundError);
    expect((embedding as Error).message).toContain('embedding.provider');
  });
});
