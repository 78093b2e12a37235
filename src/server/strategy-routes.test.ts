import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDBOOK } from '../answer/__fixtures__/handbook.js';
import { closeApiKeyStores, createApiKey } from '../access/index.js';
import { startScriptedOpenAIServer, textReply, toolCallsReply, type ScriptedOpenAIServer } from '../../test/support/scripted-openai-server.js';
import { createTestKnowledgeBase, startTestServer, type TestServer } from './__fixtures__/test-server.js';

/** Text only the hr group may read. */
const SALARY_LINE = '总经理年薪九百八十万元，薪酬表编号 SALARY-7731。';

/** The `role: "tool"` messages of the model request at `index`. */
function toolResults(model: ScriptedOpenAIServer, index: number): string[] {
  const body = model.requests.filter((request) => request.path.endsWith('/chat/completions'))[index]!.body as { messages: Array<{ role: string; content?: string }> };
  return body.messages.filter((message) => message.role === 'tool').map((message) => message.content ?? '');
}

describe('strategies over HTTP (ask and chat completions)', () => {
  let model: ScriptedOpenAIServer;
  let server: TestServer;
  let home: string;
  const folders: string[] = [];
  const keys = { reader: '', hrReader: '' };

  beforeAll(async () => {
    model = await startScriptedOpenAIServer();
    for (let i = 0; i < 2; i++) folders.push(fs.mkdtempSync(path.join(os.tmpdir(), 'hangjia-strategy-')));
    home = folders[0]!;
    await createTestKnowledgeBase(home, folders[1]!, 'hr', {
      'handbook.md': HANDBOOK,
      '薪酬/薪酬制度.md': `# 薪酬制度\n\n## 第一条 薪酬表\n\n${SALARY_LINE}\n`,
      '.hangjia-access.yaml': '"薪酬/**": [hr]\n',
    });
    keys.reader = createApiKey(home, { name: 'reader', knowledgeBases: ['hr'] }).secret;
    keys.hrReader = createApiKey(home, { name: 'hr-reader', knowledgeBases: ['hr'], groups: ['hr'] }).secret;
    server = await startTestServer(home, { modelBaseURL: model.baseURL });
  });
  afterAll(async () => {
    await server.close();
    await model.close();
    closeApiKeyStores();
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });

  const post = (route: string, key: string, body: unknown) =>
    fetch(`${server.url}${route}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('ask with strategy agent: the agent searches, answers with [n] citations resolving to chunks, and returns its trace', async () => {
    const before = model.requests.length;
    model.enqueue('/v1/chat/completions', toolCallsReply([{ name: 'search_knowledge_base', arguments: { query: '试用期 不得超过', k: 2 } }]), textReply('劳动合同期限三年以上的，试用期不得超过六个月[1]。'));
    const response = await post('/api/knowledge-bases/hr/ask', keys.reader, { question: '试用期最长多久？', strategy: 'agent', trace: true });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { strategy: string; kind: string; citations: Array<{ n: number; chunkId: string }>; trace?: { events: Array<{ kind: string }> } };
    expect(body).toMatchObject({ strategy: 'agent', kind: 'generated' });
    expect(body.citations.map((citation) => citation.n)).toEqual([1]);
    expect(body.trace?.events.some((event) => event.kind === 'tool')).toBe(true);
    const chunk = await fetch(`${server.url}/api/knowledge-bases/hr/chunks/${encodeURIComponent(body.citations[0]!.chunkId)}`, { headers: { authorization: `Bearer ${keys.reader}` } });
    expect(chunk.status).toBe(200);
    expect(((await chunk.json()) as { text: string }).text).toContain('试用期不得超过六个月');
    expect(model.requests.slice(before).some((request) => JSON.stringify(request.body).includes('search_knowledge_base'))).toBe(true);
  });

  it("a restricted document never reaches the agent's tool results for a key without its group (and does for one with it)", async () => {
    const search = toolCallsReply([{ name: 'search_knowledge_base', arguments: { query: '总经理年薪 薪酬表', k: 5 } }]);
    const askAs = async (key: string): Promise<string> => {
      const first = model.requests.filter((request) => request.path.endsWith('/chat/completions')).length;
      model.enqueue('/v1/chat/completions', search, textReply('知识库中没有相关内容。'));
      const response = await post('/api/knowledge-bases/hr/ask', key, { question: '总经理年薪多少？', strategy: 'agent' });
      expect(response.status).toBe(200);
      return toolResults(model, first + 1).join('\n');
    };
    expect(await askAs(keys.reader)).not.toContain('SALARY-7731');
    expect(await askAs(keys.hrReader)).toContain('SALARY-7731');
  });

  it('chat completions take "strategy" as an extra body field; streaming sends the agent answer as one chunk', async () => {
    model.enqueue('/v1/chat/completions', toolCallsReply([{ name: 'search_knowledge_base', arguments: { query: '试用期 不得超过' } }]), textReply('试用期不得超过六个月[1]。'));
    const completion = await post('/v1/chat/completions', keys.reader, { model: 'kb:hr', messages: [{ role: 'user', content: '试用期最长多久？' }], strategy: 'agent' });
    expect(completion.status).toBe(200);
    const body = (await completion.json()) as { choices: Array<{ message: { content: string } }>; citations: Array<{ n: number }>; hangjia: { strategy: string; trace?: unknown } };
    expect(body.choices[0]!.message.content).toBe('试用期不得超过六个月[1]。');
    expect(body.citations.map((citation) => citation.n)).toEqual([1]);
    expect(body.hangjia.strategy).toBe('agent');
    expect(body.hangjia.trace).toBeUndefined();

    model.enqueue('/v1/chat/completions', toolCallsReply([{ name: 'search_knowledge_base', arguments: { query: '试用期 不得超过' } }]), textReply('试用期不得超过六个月[1]。'));
    const streamed = await post('/v1/chat/completions', keys.reader, { model: 'kb:hr', messages: [{ role: 'user', content: '试用期最长多久？' }], strategy: 'agent', stream: true });
    const events = (await streamed.text()).split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((data) => JSON.parse(data) as { choices: Array<{ delta: { content?: string } }>; citations?: unknown[]; hangjia?: { strategy: string } });
    expect(chunks.map((chunk) => chunk.choices[0]!.delta.content ?? '').join('')).toBe('试用期不得超过六个月[1]。');
    expect(chunks.at(-1)).toMatchObject({ citations: [{ n: 1 }], hangjia: { strategy: 'agent' } });
  });
});
