import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, textReply, toolCallsReply, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { DEFAULT_CONFIG } from '../../config/index.js';
import { openKnowledgeBase, type KnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { createOpenAICompatibleChatModel } from '../../providers/index.js';
import { answerWithStrategy } from '../index.js';

const DEMO = path.resolve(import.meta.dirname, '../../../demo/kb');
const PRIVACY_POLICY = '数据安全与隐私保护制度';
const PATTERN = '(*)-[引用]->(法律:个人信息保护法)';

interface SentRequest {
  messages: Array<{ role: string; content: string | null }>;
  tools?: Array<{ function: { name: string } }>;
}

describe('graph_query agent tool', () => {
  let server: ScriptedOpenAIServer;
  let kb: KnowledgeBase;
  let home: string;
  beforeAll(async () => {
    server = await startScriptedOpenAIServer();
    // Shared by both tests (the second builds the graph the first ran without).
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'hangjia-graph-tool-'));
    expect((await runCliCaptured(['kb', 'create', 'demo', DEMO, '--quiet'], { home })).code).toBe(0);
    kb = openKnowledgeBase({ home, name: 'demo' }, createDefaultComponents({ ...DEFAULT_CONFIG, home }));
  });
  afterAll(async () => {
    kb.close();
    await server.close();
    fs.rmSync(home, { recursive: true, force: true });
  });
  const model = () => createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'scripted-model', maxRetries: 0 });
  const sent = (index: number) => server.requests.filter((request) => request.path.endsWith('/chat/completions'))[index]!.body as SentRequest;
  const offeredTools = (index: number) => (sent(index).tools ?? []).map((tool) => tool.function.name);

  it('is not offered before the knowledge base has a graph', async () => {
    server.enqueue('/v1/chat/completions', textReply('知识库中没有相关内容。'));
    await answerWithStrategy(kb, '哪些条款引用了个人信息保护法？', { strategy: 'agent', model: model() });
    expect(offeredTools(0)).toContain('search_knowledge_base');
    expect(offeredTools(0)).not.toContain('graph_query');
  });

  it("is called by the agent, whose answer cites the fact's evidence chunk; a fact from a document the caller may not read is not returned", async () => {
    kb.close();
    const build = await runCliCaptured(['graph', 'build', 'demo', '--quiet'], { home });
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    kb = openKnowledgeBase({ home, name: 'demo' }, createDefaultComponents({ ...DEFAULT_CONFIG, home }));

    const first = server.requests.length;
    server.enqueue('/v1/chat/completions', toolCallsReply([{ name: 'graph_query', arguments: { pattern: PATTERN } }]), textReply('公司数据安全制度依据个人信息保护法制定[1]。'));
    const { answer } = await answerWithStrategy(kb, '哪些制度引用了个人信息保护法？', { strategy: 'agent', model: model() });
    expect(offeredTools(first)).toContain('graph_query');
    const toolResult = sent(first + 1).messages.find((message) => message.role === 'tool')!.content!;
    expect(toolResult).toMatch(/引用→ .*个人信息保护法.* \[1\]/u);
    expect(answer.citations.map((citation) => citation.n)).toEqual([1]);
    const cited = answer.hits[0]!;
    expect(cited.documentTitle).toContain(PRIVACY_POLICY);
    expect(cited.chunk.text).toContain('个人信息保护法');
    expect(answer.citations[0]!.chunkId).toBe(cited.chunk.id);

    const privacy = kb.listDocuments().find((document) => document.title.includes(PRIVACY_POLICY))!;
    kb.setDocumentGroups(privacy.id, ['security']);
    const askAs = async (groups: string[]): Promise<string> => {
      const index = server.requests.length;
      server.enqueue('/v1/chat/completions', toolCallsReply([{ name: 'graph_query', arguments: { pattern: PATTERN } }]), textReply('知识库中没有相关内容。'));
      await answerWithStrategy(kb, '哪些制度引用了个人信息保护法？', { strategy: 'agent', model: model(), access: { groups } });
      return sent(index + 1).messages.find((message) => message.role === 'tool')!.content!;
    };
    const outsider = await askAs(['finance']);
    expect(outsider).not.toContain(PRIVACY_POLICY);
    expect(outsider).not.toContain('[1]');
    expect(await askAs(['security'])).toContain(PRIVACY_POLICY);
  });
});
