import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Analyzer } from '../../analysis/index.js';
import { createOpenAICompatibleChatModel, createOpenAICompatibleEmbeddingModel } from '../../providers/index.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer, type ScriptedReply } from '../../../test/support/scripted-openai-server.js';
import { createModelRagEvaluator, evaluateRagSample, RAG_JUDGE_TASKS, type RagSample } from '../index.js';

function jsonReply(object: unknown): ScriptedReply {
  return {
    json: {
      id: 'chatcmpl-judge',
      object: 'chat.completion',
      created: 0,
      model: 'judge',
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(object) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    },
  };
}

/** The schema name the evaluator sent: which judge task a request is. */
function taskOf(request: RecordedRequest): string {
  return (request.body as { response_format?: { json_schema?: { name?: string } } }).response_format?.json_schema?.name ?? '';
}

const sample: RagSample = {
  id: 'probation',
  question: '试用期最长多久？',
  answer: '试用期最长六个月[1]。试用期工资不得低于八成[2]。',
  contexts: ['劳动合同期限三年以上的，试用期不得超过六个月。', '试用期工资不得低于本单位相同岗位最低档工资的百分之八十。', '劳动者可以提前三十日通知解除合同。'],
  reference: '试用期最长六个月。工资不低于转正工资的八成。',
};

/** Scripted verdicts, keyed by judge task. */
const script: Record<string, unknown> = {
  [RAG_JUDGE_TASKS.statements]: { statements: ['试用期最长六个月', '试用期工资不得低于八成', '试用期可以延长'] },
  [RAG_JUDGE_TASKS.faithfulness]: { verdicts: [{ reason: '第1段', verdict: 1 }, { reason: '第2段', verdict: 1 }, { reason: '未提及', verdict: 0 }] },
  [RAG_JUDGE_TASKS.questions]: { questions: ['试用期最长多长时间？', '工资怎么算？', '试用期多久？'], noncommittal: 0 },
  [RAG_JUDGE_TASKS.contextPrecision]: { verdicts: [{ reason: '有用', verdict: 1 }, { reason: '无关', verdict: 0 }, { reason: '有用', verdict: 1 }] },
  [RAG_JUDGE_TASKS.contextRecall]: {
    classifications: [
      { statement: '试用期最长六个月', reason: '第1段', attributed: 1 },
      { statement: '工资不低于转正工资的八成', reason: '说的是最低档工资', attributed: 0 },
    ],
  },
  [RAG_JUDGE_TASKS.citations]: { verdicts: [{ reason: '支持', verdict: 1 }, { reason: '八成与百分之八十一致，但对象不同', verdict: 0 }] },
};

describe('createModelRagEvaluator (scripted judge)', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });
  const judge = () => createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'judge', maxRetries: 0 });
  const scriptJudge = (overrides: Record<string, unknown> = {}) =>
    server.enqueue('/v1/chat/completions', ...Array.from({ length: 6 }, () => (request: RecordedRequest) => jsonReply({ ...script, ...overrides }[taskOf(request)])));

  it('turns scripted claims and verdicts into the RAGAS scores exactly', async () => {
    scriptJudge();
    // Question first, then the three generated questions: cosines 1, 0 and 3/5 with [1, 0].
    server.enqueue('/v1/embeddings', {
      json: { object: 'list', data: [[1, 0], [1, 0], [0, 1], [3, 4]].map((embedding, index) => ({ object: 'embedding', index, embedding })), usage: { prompt_tokens: 4, total_tokens: 4 } },
    });
    const evaluator = createModelRagEvaluator({ model: judge(), embeddingModel: createOpenAICompatibleEmbeddingModel({ baseURL: server.baseURL, model: 'embedder' }) });
    const evaluation = await evaluateRagSample(sample, evaluator);

    expect(server.requests.filter((request) => request.path === '/v1/chat/completions').map(taskOf)).toEqual([
      RAG_JUDGE_TASKS.statements,
      RAG_JUDGE_TASKS.faithfulness,
      RAG_JUDGE_TASKS.questions,
      RAG_JUDGE_TASKS.contextPrecision,
      RAG_JUDGE_TASKS.contextRecall,
      RAG_JUDGE_TASKS.citations,
    ]);
    expect(evaluation.scores.faithfulness).toBe(2 / 3); // verdicts 1, 1, 0
    expect(evaluation.answerRelevancy.similarities).toEqual([1, 0, 0.6]);
    expect(evaluation.scores.answerRelevancy).toBe((1 + 0 + 0.6) / 3);
    expect(evaluation.scores.contextPrecision).toBe((1 / 1 + 2 / 3) / 2); // relevant at ranks 1 and 3
    expect(evaluation.scores.contextRecall).toBe(0.5); // 1 of 2 reference statements attributed
    // [1] of sentence 1 supported, [2] of sentence 2 not: precision 1/2, accuracy 1/2, coverage 2/2.
    expect([evaluation.scores.citationPrecision, evaluation.scores.citedSentenceAccuracy, evaluation.scores.citationCoverage]).toEqual([0.5, 0.5, 1]);
    expect(evaluation.citations.citations[1]).toEqual({ sentence: 1, n: 2, supported: false, reason: '八成与百分之八十一致，但对象不同' });
    // The verdict prompt shows the statements and the numbered contexts; the prompts are in Chinese for a Chinese question.
    const verdictCall = server.requests.find((request) => taskOf(request) === RAG_JUDGE_TASKS.faithfulness)!;
    const messages = (verdictCall.body as { messages: { role: string; content: string }[] }).messages;
    expect(messages[0]!.content).toContain('逐条判断编号陈述是否忠实于上下文');
    expect(messages[1]!.content).toContain('[3] 劳动者可以提前三十日通知解除合同。');
    expect(messages[1]!.content).toContain('[3] 试用期可以延长');
  });

  it('scores a noncommittal answer 0, and uses a lexical cosine without an embedding model', async () => {
    const words: Analyzer = { name: 'words', version: 1, analyze: (text) => text.toLowerCase().match(/[a-z]+/g) ?? [] };
    server.enqueue('/v1/chat/completions', jsonReply({ questions: ['how long does probation last'], noncommittal: 0 }), jsonReply({ questions: ['x'], noncommittal: 1 }));
    const evaluator = createModelRagEvaluator({ model: judge(), questionCount: 1, analyzer: words, termWeight: () => 1 });
    const english = { id: 'en', question: 'how long is probation', answer: 'Six months.', contexts: [] };
    // {how, long, is, probation} · {how, long, does, probation, last}: 3 shared / (2 · √5)
    expect(await evaluator.answerRelevancy(english)).toMatchObject({ score: 3 / (2 * Math.sqrt(5)), similarity: 'lexical', noncommittal: false });
    expect(await evaluator.answerRelevancy(english)).toMatchObject({ score: 0, noncommittal: true });
  });

  it('skips calls that cannot apply, and rejects a verdict list of the wrong length as E_MODEL_OUTPUT', async () => {
    const evaluator = createModelRagEvaluator({ model: judge() });
    const bare = { id: 'bare', question: '试用期最长多久？', answer: '六个月。', contexts: ['试用期不得超过六个月。'] };
    expect(await evaluator.contextRecall(bare)).toEqual({ score: null, statements: [] }); // no reference
    expect((await evaluator.citationCorrectness(bare)).citationPrecision).toBeNull(); // nothing cited
    expect(server.requests).toHaveLength(0);
    server.enqueue('/v1/chat/completions', jsonReply({ verdicts: [] }));
    await expect(evaluator.contextPrecision(bare)).rejects.toMatchObject({ code: 'E_MODEL_OUTPUT' });
  });
});
