import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureTinyGguf } from '../../test/fixtures/make-tiny-gguf.js';
import { DEFAULT_CONFIG } from '../config/index.js';
import { createKnowledgeBase, type KnowledgeBase } from '../knowledge-base/index.js';
import { createDefaultComponents } from '../presets/index.js';
import { createLlamaCppChatModel, createOpenAICompatibleChatModel } from '../providers/index.js';
import { startScriptedOpenAIServer, textReply, toolCallsReply, type ScriptedOpenAIServer } from '../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import { LAW_FILES } from './__fixtures__/laws.js';
import { answerWithStrategy, createHttpTools, lookupArticle, searchKnowledgeBase } from './index.js';

const temporaryDirectory = useTemporaryDirectories();
const QUESTION = '房东不退押金，租赁期满后我能要回吗？去哪个法院起诉？';

async function lawKnowledgeBase(): Promise<KnowledgeBase> {
  const root = temporaryDirectory();
  writeFiles(root, LAW_FILES);
  const kb = createKnowledgeBase(
    { home: temporaryDirectory(), name: 'laws', settings: { sources: [root], include: [], exclude: [], maxFileBytes: 1e8, chunking: DEFAULT_CONFIG.chunking } },
    createDefaultComponents(DEFAULT_CONFIG),
  );
  await kb.sync();
  return kb;
}

/** What the scripted model was sent, per request. */
const sentMessages = (server: ScriptedOpenAIServer, index: number) => (server.requests[index]?.body as { messages: Array<{ role: string; content: string | null; tool_call_id?: string }> }).messages;

describe('statute lookup and search within a document', () => {
  let kb: KnowledgeBase;
  beforeEach(async () => {
    kb = await lawKnowledgeBase();
  });
  afterEach(() => kb.close());

  it('get_article finds 第X条 of a law by its normalised title, Chinese numerals or digits', () => {
    const [hit] = lookupArticle(kb, '《民法典》', '第七百三十三条');
    expect(hit?.chunk.text).toContain('租赁期限届满，承租人应当返还租赁物');
    expect(lookupArticle(kb, '民事诉讼法', '24')[0]?.chunk.text).toContain('因合同纠纷提起的诉讼');
    // 第三十四条之一 is no chunk heading (之 follows cross-references too): found at its line start.
    expect(lookupArticle(kb, '民事诉讼法', '第三十四条之一')[0]?.chunk.text).toContain('本条只用于测试“之一”条文的查找');
    expect(() => lookupArticle(kb, '民法典', '第九百条')).toThrow('中华人民共和国民法典 has no 第九百条. It holds articles 第577条 to 第733条.');
    expect(() => lookupArticle(kb, '刑法', '第一条')).toThrow('No document of the knowledge base is titled "刑法".');
  });

  it('sees only documents the caller may read: a restricted law is not found, and searches skip it', async () => {
    const restricted = kb.listDocuments().find((document) => document.title === '中华人民共和国民事诉讼法')!;
    kb.setDocumentGroups(restricted.id, ['judges']);
    const reader = { groups: ['staff'] };
    expect(() => lookupArticle(kb, '民事诉讼法', '第二十四条', reader)).toThrow('No document of the knowledge base is titled "民事诉讼法".');
    expect(lookupArticle(kb, '民事诉讼法', '第二十四条', { groups: ['judges'] })[0]?.chunk.text).toContain('因合同纠纷提起的诉讼');
    const hits = await searchKnowledgeBase(kb, '合同纠纷 管辖 法院', { k: 5, access: reader });
    expect(hits.some((hit) => hit.documentTitle === '中华人民共和国民事诉讼法')).toBe(false);
  });

  it('search restricted to a named document returns only its chunks', async () => {
    const hits = await searchKnowledgeBase(kb, '管辖 法院', { k: 3, document: '民事诉讼法' });
    expect(hits.length).toBeGreaterThan(0);
    expect(new Set(hits.map((hit) => hit.documentTitle))).toEqual(new Set(['中华人民共和国民事诉讼法']));
  });
});

describe('answerWithStrategy against the scripted tools-speaking server', () => {
  let server: ScriptedOpenAIServer;
  let kb: KnowledgeBase;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
    kb = await lawKnowledgeBase();
  });
  afterEach(async () => {
    kb.close();
    await server.close();
  });
  const model = () => createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'scripted-model', maxRetries: 0 });

  it('agent: searches, looks up an article, calculates, then answers with [n] citations resolving to the chunks it read', async () => {
    server.enqueue(
      '/v1/chat/completions',
      toolCallsReply([{ name: 'search_knowledge_base', arguments: { query: '租赁期限届满 返还', k: 2, document: '民法典' } }]),
      toolCallsReply([
        { name: 'get_article', arguments: { law: '民事诉讼法', article: '第二十四条' } },
        { name: 'calculate', arguments: { expression: '3000*2' } },
      ]),
      textReply('租赁期限届满，承租人应当返还租赁物[1]。因合同纠纷提起的诉讼，由被告住所地或者合同履行地人民法院管辖[3]。'),
    );
    const result = await answerWithStrategy(kb, QUESTION, { strategy: 'agent', model: model() });
    expect(result.fallback).toBeUndefined();
    const { answer, trace } = result;
    expect(answer.kind).toBe('generated');
    expect(answer.citations.map((citation) => citation.n)).toEqual([1, 3]);
    expect(answer.citations.map((citation) => citation.chunkId)).toEqual([answer.hits[0]!.chunk.id, answer.hits[2]!.chunk.id]);
    expect(answer.hits[2]!.chunk.text).toContain('因合同纠纷提起的诉讼');
    expect(answer.unsupportedSentences).toEqual([]);
    expect(trace!.events.map((event) => (event.kind === 'tool' ? `tool:${event.name}` : event.kind === 'model' ? `model:${event.purpose}` : event.kind))).toEqual([
      'model:agent-turn',
      'tool:search_knowledge_base',
      'model:agent-turn',
      'tool:get_article',
      'tool:calculate',
      'model:agent-turn',
    ]);
    const calculate = trace!.events.find((event) => event.kind === 'tool' && event.name === 'calculate');
    expect(calculate).toMatchObject({ arguments: '{"expression":"3000*2"}', resultCharacters: 4, sources: [] });
    // The tool results went back as role "tool" messages answering each call by id.
    const third = sentMessages(server, 2);
    expect(third.filter((message) => message.role === 'tool').map((message) => [message.tool_call_id, message.content?.slice(0, 4)])).toEqual([
      ['call_0', '[1] '],
      ['call_0', '[3] '],
      ['call_1', '6000'],
    ]);
    expect(trace!.totals).toMatchObject({ modelCalls: 3, toolCalls: 3, inputTokens: 180, outputTokens: 40 });
  });

  it('agent: a tool error goes back to the model as the tool result, and the run goes on', async () => {
    server.enqueue(
      '/v1/chat/completions',
      toolCallsReply([
        { name: 'get_article', arguments: { law: '刑法', article: '第一条' } },
        { name: 'calculate', arguments: '{not json' },
        { name: 'delete_everything', arguments: {} },
      ]),
      textReply('知识库中没有涉及这个问题的内容。'),
    );
    const { answer, trace } = await answerWithStrategy(kb, QUESTION, { strategy: 'agent', model: model() });
    const errors = trace!.events.flatMap((event) => (event.kind === 'tool' && event.error ? [event.error.code] : []));
    expect(errors).toEqual(['E_DOCUMENT_NOT_FOUND', 'E_TOOL_ARGUMENTS', 'E_TOOL_UNKNOWN']);
    const toolMessages = sentMessages(server, 1).filter((message) => message.role === 'tool');
    expect(toolMessages.map((message) => message.content?.split(':')[0])).toEqual(['Error [E_DOCUMENT_NOT_FOUND]', 'Error [E_TOOL_ARGUMENTS]', 'Error [E_TOOL_UNKNOWN]']);
    expect(answer).toMatchObject({ kind: 'generated', refusal: 'model', citations: [] });
  });

  it('agent: calls a user tool over HTTP on loopback, and gets its failure back as the result', async () => {
    const received: unknown[] = [];
    const toolServer = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const args = JSON.parse(body) as { amount: number };
        received.push(args);
        if (args.amount < 0) {
          response.writeHead(400).end('amount must be positive');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ fee: args.amount * 0.025 }));
      });
    });
    await new Promise<void>((resolve) => toolServer.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(toolServer.address() as AddressInfo).port}/fee`;
      const tools = createHttpTools([{ name: 'court_fee', description: '诉讼费', parameters: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] }, url }]);
      server.enqueue(
        '/v1/chat/completions',
        toolCallsReply([
          { name: 'court_fee', arguments: { amount: 6000 } },
          { name: 'court_fee', arguments: { amount: -1 } },
        ]),
        textReply('诉讼费150元。'),
      );
      const { trace } = await answerWithStrategy(kb, '诉讼费多少？', { strategy: 'agent', model: model(), tools });
      expect(received).toEqual([{ amount: 6000 }, { amount: -1 }]);
      expect((server.requests[0]!.body as { tools: Array<{ function: { name: string } }> }).tools.map((tool) => tool.function.name)).toContain('court_fee');
      const results = sentMessages(server, 1).filter((message) => message.role === 'tool').map((message) => message.content);
      expect(results).toEqual(['{"fee":150}', 'Error [E_TOOL_HTTP]: Tool court_fee answered HTTP 400: amount must be positive']);
      expect(trace!.events.filter((event) => event.kind === 'tool').map((event) => (event.kind === 'tool' ? event.error?.code ?? 'ok' : ''))).toEqual(['ok', 'E_TOOL_HTTP']);
    } finally {
      await new Promise((resolve) => toolServer.close(resolve));
    }
  });

  it('agent: stops at the step limit, then forces an answer with tool_choice "none"', async () => {
    for (let turn = 0; turn < 3; turn++) server.enqueue('/v1/chat/completions', toolCallsReply([{ name: 'search_knowledge_base', arguments: { query: `押金 ${turn}` } }]));
    server.enqueue('/v1/chat/completions', textReply('租赁期限届满，承租人应当返还租赁物[1]。'));
    const { answer, trace } = await answerWithStrategy(kb, QUESTION, { strategy: 'agent', model: model(), limits: { maxSteps: 3 } });
    expect(trace!.stopped).toEqual({ reason: 'max-steps', detail: '3 model turns called tools without answering' });
    expect(server.requests).toHaveLength(4);
    expect((server.requests[3]!.body as { tool_choice: string }).tool_choice).toBe('none');
    expect(sentMessages(server, 3).at(-1)!.content).toContain('已达到最多步数');
    expect(answer.citations).toHaveLength(1);
  });

  it('agent: a repeated identical call is not run again, and a second repeat stops the loop', async () => {
    const same = toolCallsReply([{ name: 'search_knowledge_base', arguments: { query: '押金', k: 2 } }]);
    const reordered = toolCallsReply([{ name: 'search_knowledge_base', arguments: '{ "k": 2, "query": "押金" }' }]);
    server.enqueue('/v1/chat/completions', same, reordered, same, textReply('答复。'));
    const { trace } = await answerWithStrategy(kb, QUESTION, { strategy: 'agent', model: model() });
    expect(trace!.events.filter((event) => event.kind === 'tool').map((event) => (event.kind === 'tool' ? Boolean(event.repeated) : null))).toEqual([false, true, true]);
    expect(trace!.stopped?.reason).toBe('repeated-calls');
    expect(trace!.totals.toolCalls).toBe(3);
  });

  it('pearl: a valid plan runs step by step and the answer cites the passages the steps read', async () => {
    server.enqueue(
      '/v1/chat/completions',
      textReply('1. deposit = FIND_ARTICLE("民法典", "租赁期限届满 返还")\n2. court = GET_ARTICLE("民事诉讼法", "第二十四条")\n3. amount = COMPUTE("3000*2")\n4. rule = APPLY(deposit, question)'),
      textReply('租赁期满应返还租赁物[1]。'),
      textReply('租赁期限届满，承租人应当返还租赁物[1]。因合同纠纷提起的诉讼，由被告住所地或者合同履行地人民法院管辖[4]。'),
    );
    const result = await answerWithStrategy(kb, QUESTION, { strategy: 'pearl', model: model() });
    expect(result.fallback).toBeUndefined();
    expect(result.plan).toMatchObject({ valid: true, repairs: 0, errors: [] });
    const steps = result.trace!.events.flatMap((event) => (event.kind === 'step' ? [event] : []));
    expect(steps.map((step) => [step.step, step.action, step.variable])).toEqual([
      [1, 'FIND_ARTICLE', 'deposit'],
      [2, 'GET_ARTICLE', 'court'],
      [3, 'COMPUTE', 'amount'],
      [4, 'APPLY', 'rule'],
    ]);
    expect(steps[2]!.output).toBe('6000');
    // FIND_ARTICLE searched only 民法典.
    expect(result.answer.hits.slice(0, steps[0]!.sources.length).every((hit) => hit.documentTitle === '中华人民共和国民法典')).toBe(true);
    // The APPLY step got the search output substituted for `deposit`.
    expect(steps[3]!.input[0]).toContain('[1] 《中华人民共和国民法典》');
    const court = result.answer.hits.findIndex((hit) => hit.chunk.text.includes('因合同纠纷提起的诉讼')) + 1;
    // Three passages from FIND_ARTICLE, then the article GET_ARTICLE fetched.
    expect(court).toBe(4);
    expect(result.answer.citations.map((citation) => [citation.n, citation.chunkId])).toEqual([
      [1, result.answer.hits[0]!.chunk.id],
      [4, result.answer.hits[3]!.chunk.id],
    ]);
    expect(result.answer.unsupportedSentences).toEqual([]);
    expect(result.trace!.totals).toMatchObject({ steps: 4, modelCalls: 3 });
  });

  it('pearl: an invalid plan is repaired with its errors quoted', async () => {
    server.enqueue(
      '/v1/chat/completions',
      textReply('1. laws = LOOKUP_LAW("民法典")\n2. answer = SUMMARIZE(law)'),
      textReply('1. laws = FIND_ARTICLE("民法典", "租赁 返还")\n2. answer = SUMMARIZE(laws)'),
      textReply('承租人应当返还租赁物[1]。'),
      textReply('租赁期限届满，承租人应当返还租赁物[1]。'),
    );
    const result = await answerWithStrategy(kb, QUESTION, { strategy: 'pearl', model: model() });
    expect(result.plan).toMatchObject({ valid: true, repairs: 1 });
    const repairRequest = sentMessages(server, 1).at(-1)!.content;
    expect(repairRequest).toContain('line 1, column 11: unknown action LOOKUP_LAW');
    expect(repairRequest).toContain('line 2, column 23: variable "law" is not bound by any step');
    expect(result.trace!.events.filter((event) => event.kind === 'plan').map((event) => (event.kind === 'plan' ? event.errors.length : -1))).toEqual([2, 0]);
    expect(result.answer.citations).toHaveLength(1);
  });

  it('pearl: a plan that stays invalid falls back to plain RAG, labelled', async () => {
    server.enqueue('/v1/chat/completions', textReply('我觉得应该先查法律。'), textReply('1. x = MAGIC()'), textReply('1. x = MAGIC()'));
    const result = await answerWithStrategy(kb, QUESTION, { strategy: 'pearl', model: model(), limits: { maxRepairs: 2 }, evidenceThreshold: 0 });
    expect(result.fallback).toEqual({ from: 'pearl', reason: 'invalid-plan', message: 'The plan was still invalid after 2 repair rounds (1 error), so this is a plain RAG answer.' });
    expect(result.plan).toMatchObject({ valid: false, repairs: 2, errors: [{ line: 1, column: 8, message: expect.stringContaining('unknown action MAGIC') }] });
    // Three planning calls, then the RAG answer (streamed: the scripted default echoes).
    expect(server.requests).toHaveLength(4);
    expect((server.requests[3]!.body as { stream?: boolean }).stream).toBe(true);
    expect(result.answer.kind).toBe('generated');
  });

  it('falls back to RAG, labelled, when no model is configured', async () => {
    const result = await answerWithStrategy(kb, QUESTION, { strategy: 'agent', evidenceThreshold: 0 });
    expect(result.fallback?.reason).toBe('no-model');
    expect(result.answer.kind).toBe('extractive');
  });
});

describe('the agent on an in-process GGUF model (node-llama-cpp function calling)', () => {
  it('runs the bounded loop to an answer whose markers resolve to what it read, within the limits', async () => {
    const kb = await lawKnowledgeBase();
    const model = createLlamaCppChatModel({ modelPath: await ensureTinyGguf(), threads: 1, contextSize: 4096 });
    try {
      // Random weights: whether it calls tools is chance; the loop must still end within its limits with a checked answer.
      const { answer, trace } = await answerWithStrategy(kb, QUESTION, { strategy: 'agent', model, maxTokens: 16, limits: { maxSteps: 2, maxToolCalls: 2 } });
      expect(trace!.totals.modelCalls).toBeLessThanOrEqual(3);
      expect(trace!.totals.toolCalls).toBeLessThanOrEqual(2);
      expect(answer.model).toEqual({ provider: 'llama-cpp', modelId: model.modelId });
      for (const citation of answer.citations) expect(answer.hits[citation.n - 1]?.chunk.id).toBe(citation.chunkId);
    } finally {
      kb.close();
      await model.dispose();
    }
  });
});
