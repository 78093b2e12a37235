import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../analysis/index.js';
import { splitSentences } from '../chunking/index.js';
import type { KnowledgeBase } from '../knowledge-base/index.js';
import { createLlamaCppChatModel, createOpenAICompatibleChatModel } from '../providers/index.js';
import { ensureTinyGguf } from '../../test/fixtures/make-tiny-gguf.js';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import { chatStreamEvents, createHandbookKnowledgeBase } from './__fixtures__/handbook.js';
import { ANSWER_PROMPT_TEMPLATES } from '../prompt/index.js';
import { answerQuestion, condenseQuestion, EXTRACTIVE_LABEL, KB_SYSTEM_PROMPT_KEY, type AnswerStreamPart } from './index.js';

const temporaryDirectory = useTemporaryDirectories();
const analyzer = createAnalyzer();

function handbookKnowledgeBase(): Promise<KnowledgeBase> {
  return createHandbookKnowledgeBase(temporaryDirectory);
}

async function collect(stream: AsyncIterable<AnswerStreamPart>): Promise<AnswerStreamPart[]> {
  const parts: AnswerStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('answerQuestion', () => {
  let server: ScriptedOpenAIServer;
  let kb: KnowledgeBase;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
    kb = await handbookKnowledgeBase();
  });
  afterEach(async () => {
    kb.close();
    await server.close();
  });
  const model = () => createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'scripted-model', maxRetries: 0 });

  it('streams a cited answer and post-checks it: supported, unsupported and dangling citations', async () => {
    // For "试用期最长多久？" the hits are [1] 第三条 (wages: 试用期 twice), [2] 第二条 (duration), [3] 第四条 (解除).
    server.enqueue('/v1/chat/completions', {
      events: chatStreamEvents(['劳动合同期限三年以上的，', '试用期不得超过六个月[2', ']。试用期期间公司提供免费住房和班车[1]。', '具体以合同为准[9]。']),
    });
    const stream = answerQuestion(kb, '试用期最长多久？', { model: model(), k: 3 });
    const parts = await collect(stream);
    const answer = await stream.answer;

    expect(parts.map((part) => part.type)).toEqual(['retrieval-end', 'text-delta', 'text-delta', 'text-delta', 'text-delta', 'citation', 'citation', 'answer-end']);
    expect(answer.kind).toBe('generated');
    expect(answer.hits.map((hit) => hit.chunk.headingPath.at(-1))).toEqual(['第三条', '第二条', '第四条']);
    expect(answer.rawText).toBe('劳动合同期限三年以上的，试用期不得超过六个月[2]。试用期期间公司提供免费住房和班车[1]。具体以合同为准[9]。');
    expect(answer.text).toBe('劳动合同期限三年以上的，试用期不得超过六个月[2]。试用期期间公司提供免费住房和班车[1]。具体以合同为准。');
    expect(answer.removedMarkers).toEqual([{ marker: '[9]', n: 9, offset: 53 }]);
    expect(answer.citations.map((citation) => [citation.n, citation.chunkId, citation.headingPath.at(-1), citation.snippet])).toEqual([
      [2, answer.hits[1]!.chunk.id, '第二条', '劳动合同期限三年以上的，试用期不得超过六个月。'],
      [1, answer.hits[0]!.chunk.id, '第三条', '员工在试用期的工资不得低于本单位相同岗位最低档工资的百分之八十，并不得低于当地最低工资标准。'],
    ]);
    expect(answer.citations[0]).toMatchObject({ documentPath: expect.stringMatching(/handbook\.md$/), start: answer.hits[1]!.chunk.start, end: answer.hits[1]!.chunk.end });
    expect(answer.unsupportedSentences.map((sentence) => [sentence.sentence, sentence.cited, sentence.reason])).toEqual([
      ['试用期期间公司提供免费住房和班车[1]。', [1], 'low-support'],
      ['具体以合同为准。', [], 'no-citation'],
    ]);
    expect(answer.unsupportedSentences[0]!.support).toBeLessThan(0.5);
    expect(answer.incomplete).toBe(false);
    expect(answer.usage).toEqual({ inputTokens: 120, outputTokens: 40 });
    expect(answer.model).toEqual({ provider: 'openai-compatible', modelId: 'scripted-model' });
    // The model saw the three numbered sources and the grounding rules.
    const sent = server.requests[0]!.body as { messages: Array<{ role: string; content: string }>; stream: boolean };
    expect(sent.stream).toBe(true);
    expect(sent.messages[1]!.content).toContain('[2] 星河网络员工手册 › 第二章 劳动合同 › 第二条\n### 第二条 试用期');
    expect(sent.messages[0]!.content).toContain('只根据下面编号的资料回答');
  });

  it('uses the system prompt stored with the knowledge base', async () => {
    kb.store.setMeta(KB_SYSTEM_PROMPT_KEY, '你是星河网络的人事顾问。');
    server.enqueue('/v1/chat/completions', { events: chatStreamEvents(['试用期不得超过六个月[2]。']) });
    await answerQuestion(kb, '试用期最长多久？', { model: model(), k: 3 }).answer;
    const sent = server.requests[0]!.body as { messages: Array<{ content: string }> };
    expect(sent.messages[0]!.content.startsWith('你是星河网络的人事顾问。\n\n')).toBe(true);
  });

  it('refuses below the evidence threshold without calling the model', async () => {
    const stream = answerQuestion(kb, '公司股票期权怎么行权？', { model: model(), k: 3 });
    const parts = await collect(stream);
    const answer = await stream.answer;
    expect(answer.kind).toBe('refused');
    expect(answer.text).toBe('知识库中没有涉及这个问题的内容。');
    expect(answer.evidence.score).toBeLessThan(0.35);
    expect(answer.evidence.coveredTerms).toEqual(['公司', '~公司']);
    expect(parts.map((part) => part.type)).toEqual(['retrieval-end', 'text-delta', 'answer-end']);
    expect(server.requests).toHaveLength(0);
    // The refusal says so, and no passage went to a model.
    expect([answer.refusal, answer.sources]).toEqual(['evidence-threshold', []]);
    // Nothing found at all is a refusal too, in the question's language.
    const english = await answerQuestion(kb, 'How do I fly a plane?', { model: model() }).answer;
    expect([english.kind, english.refusal, english.text, english.hits.length]).toEqual(['refused', 'evidence-threshold', 'The knowledge base does not cover this question.', 0]);
    expect(server.requests).toHaveLength(0);
  });

  it('answers extractively, labelled and cited, when no model is configured', async () => {
    const answer = await answerQuestion(kb, '试用期工资有什么规定？', { k: 3 }).answer;
    expect(answer.kind).toBe('extractive');
    const [label, ...lines] = answer.text.split('\n');
    expect(label).toBe(EXTRACTIVE_LABEL.zh);
    expect(lines[0]).toBe('员工在试用期的工资不得低于本单位相同岗位最低档工资的百分之八十，并不得低于当地最低工资标准。[1]');
    // Every quoted sentence is a sentence of the hit it cites, verbatim.
    for (const line of lines) {
      const match = /^(.*)\[(\d+)\]$/u.exec(line)!;
      const chunkText = answer.hits[Number(match[2]) - 1]!.chunk.text;
      expect(splitSentences(chunkText).map((span) => chunkText.slice(span.start, span.end))).toContain(match[1]);
    }
    expect(answer.citations[0]).toMatchObject({ n: 1, chunkId: answer.hits[0]!.chunk.id, snippet: lines[0]!.slice(0, -3) });
    expect(answer.model).toBeUndefined();
    // Quotes come from every hit, whole: [n] is hit n.
    expect(answer.sources).toEqual(answer.hits.map((hit, index) => ({ n: index + 1, rank: index + 1, text: hit.chunk.text, truncated: false })));
    expect(answer.refusal).toBeUndefined();
  });

  it('gives the sources exactly as the prompt under its token budget held them', async () => {
    server.enqueue('/v1/chat/completions', { events: chatStreamEvents(['试用期工资不得低于最低档工资的百分之八十[1]。']) });
    const answer = await answerQuestion(kb, '试用期最长多久？', { model: model(), k: 3, contextTokenBudget: 150 }).answer;
    // 150 tokens hold [1] 第三条 whole and 第二条 up to its first sentence; 第四条 is dropped.
    expect(answer.droppedRanks).toEqual([3]);
    expect(answer.sources).toEqual([
      { n: 1, rank: 1, text: answer.hits[0]!.chunk.text, truncated: false },
      { n: 2, rank: 2, text: '### 第二条 试用期\n\n劳动合同期限三年以上的，试用期不得超过六个月。', truncated: true },
    ]);
    // …which is what the model was sent, block for block.
    const user = (server.requests[0]!.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
    expect(user).toBe(
      `资料：\n[1] 星河网络员工手册 › 第二章 劳动合同 › 第三条\n${answer.sources[0]!.text}\n\n[2] 星河网络员工手册 › 第二章 劳动合同 › 第二条 （节选）\n${answer.sources[1]!.text}\n\n问题：试用期最长多久？`,
    );
    expect(answer.refusal).toBeUndefined();
  });

  it("marks a reply that only says the sources do not cover the question as the model's refusal", async () => {
    const replies = ['知识库中没有涉及这个问题的内容。', '“知识库中没有涉及这个问题的内容”[1]', 'The knowledge base does not cover this question.', '试用期工资不得低于最低档工资的百分之八十[1]。知识库中没有涉及这个问题的其他内容。'];
    const refusals = [];
    for (const reply of replies) {
      server.enqueue('/v1/chat/completions', { events: chatStreamEvents([reply]) });
      const answer = await answerQuestion(kb, '试用期最长多久？', { model: model(), k: 3 }).answer;
      expect(answer.kind).toBe('generated');
      refusals.push(answer.refusal);
    }
    // The first three are the "not covered" sentence alone (quoted, cited, or in the other
    // language); the last answers part of the question, so it makes claims and is no refusal.
    expect(refusals).toEqual(['model', 'model', 'model', undefined]);
  });

  it('keeps the partial answer and marks it incomplete when the stream is cut', async () => {
    server.enqueue('/v1/chat/completions', {
      // The third event carries no text: whether it reaches the client before the drop does not matter.
      events: chatStreamEvents(['劳动合同期限三年以上的，', '试用期不得超过六个月[2]。', '', '劳动合同期限一年以上不满三年的，试用期不得超过二个月[2]。']),
      eventDelayMs: 20,
      dropAfterEvents: 3,
    });
    const stream = answerQuestion(kb, '试用期最长多久？', { model: model(), k: 3 });
    const parts = await collect(stream);
    const answer = await stream.answer;
    expect(answer.incomplete).toBe(true);
    expect(answer.finishReason).toBe('error');
    expect(answer.text).toBe('劳动合同期限三年以上的，试用期不得超过六个月[2]。');
    expect(answer.citations.map((citation) => citation.n)).toEqual([2]);
    expect(parts.map((part) => part.type)).toEqual(['retrieval-end', 'text-delta', 'text-delta', 'error', 'citation', 'answer-end']);
    expect(answer.error?.code).toBe('E_PROVIDER_STREAM');
  });

  it('reports an unreachable endpoint as an error part and a rejected answer', async () => {
    const closed = await startScriptedOpenAIServer();
    await closed.close();
    const unreachable = createOpenAICompatibleChatModel({ baseURL: closed.baseURL, model: 'scripted-model', maxRetries: 0 });
    const stream = answerQuestion(kb, '试用期最长多久？', { model: unreachable, k: 3 });
    const parts = await collect(stream);
    expect(parts.map((part) => part.type)).toEqual(['retrieval-end', 'error']);
    await expect(stream.answer).rejects.toMatchObject({ code: 'E_PROVIDER_UNREACHABLE', message: expect.stringContaining(`Could not reach the openai-compatible endpoint ${closed.baseURL}`) });
  });

  it('condenses a follow-up question for retrieval', async () => {
    const history = [
      { role: 'user' as const, content: '试用期工资有什么规定？' },
      { role: 'assistant' as const, content: '不得低于最低档工资的百分之八十[1]。' },
    ];
    expect(await condenseQuestion(history, '那年休假呢？', { analyzer })).toEqual({ question: '试用期 工资 规定 那年休假呢？', method: 'heuristic' });
    expect(await condenseQuestion([], '那年休假呢？', { analyzer })).toEqual({ question: '那年休假呢？', method: 'unchanged' });
    expect(await condenseQuestion(history, '员工累计工作满十年的年休假有多少天？', { analyzer })).toEqual({ question: '员工累计工作满十年的年休假有多少天？', method: 'unchanged' });
    server.enqueue('/v1/chat/completions', { json: { id: 'x', object: 'chat.completion', created: 0, model: 'scripted-model', choices: [{ index: 0, message: { role: 'assistant', content: '试用期的解除有什么规定？' }, finish_reason: 'stop' }] } });
    expect(await condenseQuestion(history, '能解除吗？', { analyzer, model: model() })).toEqual({ question: '试用期的解除有什么规定？', method: 'model' });

    server.enqueue('/v1/chat/completions', { json: { id: 'x', object: 'chat.completion', created: 0, model: 'scripted-model', choices: [{ index: 0, message: { role: 'assistant', content: '试用期内员工可以解除劳动合同吗？' }, finish_reason: 'stop' }] } });
    server.enqueue('/v1/chat/completions', { events: chatStreamEvents(['员工在试用期内提前三日通知公司，可以解除劳动合同[1]。']) });
    const answer = await answerQuestion(kb, '能解除吗？', { model: model(), k: 3, history }).answer;
    expect(answer.standaloneQuestion).toBe('试用期内员工可以解除劳动合同吗？');
    expect(answer.hits[0]!.chunk.headingPath.at(-1)).toBe('第四条');
    // The prompt shows the question as asked, with the standalone form the sources were found for.
    const sent = server.requests.at(-1)!.body as { messages: Array<{ content: string }> };
    expect(sent.messages.at(-1)!.content.endsWith('问题：能解除吗？（即：试用期内员工可以解除劳动合同吗？）')).toBe(true);
  });

  it('sends the earlier exchange, markers stripped, between the instructions and this turn\'s sources', async () => {
    const history = [
      { role: 'user' as const, content: '试用期最长多久？' },
      { role: 'assistant' as const, content: '劳动合同期限三年以上的，试用期不得超过六个月[2]。' },
    ];
    const condensed = { json: { id: 'x', object: 'chat.completion', created: 0, model: 'scripted-model', choices: [{ index: 0, message: { role: 'assistant', content: '试用期最长多久？' }, finish_reason: 'stop' }] } };
    server.enqueue('/v1/chat/completions', condensed, { events: chatStreamEvents(['三年以上的合同，试用期最多六个月[2]。']) });
    const answer = await answerQuestion(kb, '说简单点', { model: model(), k: 3, history }).answer;
    // Request 0 condensed the follow-up; request 1 is the answer.
    expect(server.requests).toHaveLength(2);
    const sent = (server.requests[1]!.body as { messages: unknown[] }).messages;
    expect(sent).toEqual([
      {
        role: 'system',
        content: `${ANSWER_PROMPT_TEMPLATES.zh.instructions}\n前面的对话只用来理解用户现在问的是什么，不能作为依据：回答中的每一句陈述仍须来自本轮编号的资料，并标注本轮的编号。`,
      },
      { role: 'user', content: '试用期最长多久？' },
      // The earlier [2] pointed at that turn's sources; this turn numbers its own from [1].
      { role: 'assistant', content: '劳动合同期限三年以上的，试用期不得超过六个月。' },
      {
        role: 'user',
        content:
          `资料：\n[1] 星河网络员工手册 › 第二章 劳动合同 › 第三条\n${answer.hits[0]!.chunk.text}\n\n` +
          `[2] 星河网络员工手册 › 第二章 劳动合同 › 第二条\n${answer.hits[1]!.chunk.text}\n\n` +
          `[3] 星河网络员工手册 › 第二章 劳动合同 › 第四条\n${answer.hits[2]!.chunk.text}\n\n` +
          '问题：说简单点（即：试用期最长多久？）',
      },
    ]);
    expect(answer.kind).toBe('generated');
    expect(answer.citations.map((citation) => [citation.n, citation.chunkId])).toEqual([[2, answer.hits[1]!.chunk.id]]);
    // 8 tokens of question and 23 of answer (its marker stripped) were sent.
    expect([answer.history, answer.tokens.history]).toEqual([{ sent: 2, omitted: 0 }, 31]);

    // A history budget of 0 turns it off: the prompt is the single-turn one.
    server.enqueue('/v1/chat/completions', condensed, { events: chatStreamEvents(['最多六个月[2]。']) });
    const off = await answerQuestion(kb, '说简单点', { model: model(), k: 3, history, historyTokenBudget: 0 }).answer;
    expect((server.requests[3]!.body as { messages: Array<{ role: string }> }).messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect([off.history, off.tokens.history]).toEqual([{ sent: 0, omitted: 2 }, 0]);

    // Refusals and extractive answers make no prompt: no earlier turn reaches a model.
    const refused = await answerQuestion(kb, '公司股票期权怎么行权？', { k: 3, history }).answer;
    const extractive = await answerQuestion(kb, '试用期工资有什么规定？', { k: 3, history }).answer;
    expect([refused.kind, refused.history, extractive.kind, extractive.history]).toEqual(['refused', { sent: 0, omitted: 2 }, 'extractive', { sent: 0, omitted: 2 }]);
    expect(server.requests).toHaveLength(4);
  });
});

describe('answerQuestion with the in-process tiny GGUF', () => {
  it('generates through llama.cpp and returns a well-formed answer (the text is random)', async () => {
    const kb = await handbookKnowledgeBase();
    const model = createLlamaCppChatModel({ modelPath: await ensureTinyGguf(), threads: 1, contextSize: 1024 });
    try {
      const stream = answerQuestion(kb, '试用期最长多久？', { model, k: 2, maxTokens: 8, contextTokenBudget: 300 });
      const parts = await collect(stream);
      const answer = await stream.answer;
      expect(answer.kind).toBe('generated');
      expect(answer.model).toEqual({ provider: 'llama-cpp', modelId: expect.stringMatching(/tiny-llama\.gguf$/) });
      expect(parts[0]!.type).toBe('retrieval-end');
      expect(parts.at(-1)!.type).toBe('answer-end');
      expect(typeof answer.text).toBe('string');
      expect(answer.timings.generationMs).toEqual(expect.any(Number));
      expect(Array.isArray(answer.citations) && Array.isArray(answer.unsupportedSentences)).toBe(true);
    } finally {
      await model.dispose?.();
      kb.close();
    }
  });
});

