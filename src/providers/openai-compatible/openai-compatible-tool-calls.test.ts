import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { generateWithTools, supportsToolCalls, type LanguageModelTool } from '../../models/index.js';
import { createOpenAICompatibleChatModel } from './index.js';
import { startScriptedOpenAIServer, textReply, toolCallsReply, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';

const SEARCH_TOOL: LanguageModelTool = {
  name: 'search_knowledge_base',
  description: 'Search the knowledge base.',
  parameters: { type: 'object', properties: { query: { type: 'string' }, k: { type: 'integer' } }, required: ['query'], additionalProperties: false },
};

describe('openai-compatible tool calling', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('sends tools, tool_choice, assistant tool_calls and role "tool" messages in the shape the official client types', async () => {
    server.enqueue('/v1/chat/completions', textReply('押金应当退还[1]。'));
    const model = createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'scripted-model' });
    await generateWithTools(model, {
      messages: [
        { role: 'user', content: '押金能要回来吗？' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_abc', name: 'search_knowledge_base', arguments: '{"query":"押金"}' }] },
        { role: 'tool', toolCallId: 'call_abc', name: 'search_knowledge_base', content: '[1] 租赁期限届满，出租人应当返还押金。' },
      ],
      tools: [SEARCH_TOOL],
      toolChoice: 'auto',
      temperature: 0,
    });
    // Typed with the official client's request type: a field of the wrong shape fails the typecheck.
    const expected: ChatCompletionCreateParamsNonStreaming = {
      model: 'scripted-model',
      messages: [
        { role: 'user', content: '押金能要回来吗？' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'search_knowledge_base', arguments: '{"query":"押金"}' } }] },
        { role: 'tool', tool_call_id: 'call_abc', content: '[1] 租赁期限届满，出租人应当返还押金。' },
      ],
      tools: [{ type: 'function', function: { name: 'search_knowledge_base', description: 'Search the knowledge base.', parameters: { ...SEARCH_TOOL.parameters } } }],
      tool_choice: 'auto',
      temperature: 0,
    };
    expect(server.requests[0]?.body).toEqual(expected);
  });

  it('reads tool_calls from a response exactly as the official openai client reads it', async () => {
    const reply = toolCallsReply([
      { id: 'call_1', name: 'search_knowledge_base', arguments: { query: '押金 返还', k: 3 } },
      { id: 'call_2', name: 'search_knowledge_base', arguments: { query: '管辖 法院' } },
    ]);
    // The scripted body is a `ChatCompletion` of the official client's types.
    const recorded: ChatCompletion = (reply as { json: ChatCompletion }).json;
    server.enqueue('/v1/chat/completions', reply, reply);
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0 });
    const official = await client.chat.completions.create({ model: 'scripted-model', messages: [{ role: 'user', content: 'q' }], tools: [{ type: 'function', function: { name: 'search_knowledge_base', parameters: {} } }] });
    expect(official).toEqual(recorded);

    const model = createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'scripted-model' });
    const ours = await generateWithTools(model, { messages: [{ role: 'user', content: 'q' }], tools: [SEARCH_TOOL] });
    const officialCalls = official.choices[0]!.message.tool_calls!.map((call) => (call.type === 'function' ? { id: call.id, name: call.function.name, arguments: call.function.arguments } : undefined));
    expect(ours).toEqual({ text: '', toolCalls: officialCalls, finishReason: 'tool-calls', usage: { inputTokens: 50, outputTokens: 10 } });
    expect(JSON.parse(ours.toolCalls[0]!.arguments)).toEqual({ query: '押金 返还', k: 3 });
  });

  it('answers in text when the model calls nothing, and rejects malformed tool_calls as E_PROVIDER_RESPONSE', async () => {
    const model = createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'scripted-model', maxRetries: 0 });
    expect(supportsToolCalls(model)).toBe(true);
    server.enqueue('/v1/chat/completions', textReply('不需要工具。'));
    expect(await generateWithTools(model, { messages: [{ role: 'user', content: 'q' }], tools: [SEARCH_TOOL] })).toMatchObject({ text: '不需要工具。', toolCalls: [], finishReason: 'stop' });
    server.enqueue('/v1/chat/completions', { json: { choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'x', type: 'function' }] }, finish_reason: 'tool_calls' }] } });
    const error = await generateWithTools(model, { messages: [{ role: 'user', content: 'q' }], tools: [SEARCH_TOOL] }).catch((reason: unknown) => reason);
    expect(HangjiaError.is(error, 'E_PROVIDER_RESPONSE')).toBe(true);
  });

  it('says E_TOOLS_UNSUPPORTED, naming the provider, for a model without the capability', async () => {
    const plain = { specificationVersion: 'v1' as const, provider: 'plain', modelId: 'm', doGenerate: async () => ({ text: '', finishReason: 'stop' as const, usage: { inputTokens: undefined, outputTokens: undefined } }), doStream: async () => ({ stream: (async function* () {})() }) };
    await expect(generateWithTools(plain, { messages: [], tools: [SEARCH_TOOL] })).rejects.toThrow('The plain model "m" cannot call tools.');
  });
});
