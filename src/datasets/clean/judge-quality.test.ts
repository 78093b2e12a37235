import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAICompatibleChatModel } from '../../providers/index.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer, type ScriptedReply } from '../../../test/support/scripted-openai-server.js';
import { parseDataset } from '../read-dataset.js';
import { DEFAULT_JUDGE_RUBRICS, judgeQuality } from './judge-quality.js';

const servers: ScriptedOpenAIServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

type Messages = Array<{ role: string; content: string }>;
const messagesOf = (request: RecordedRequest): Messages => (request.body as { messages: Messages }).messages;

/** Each question carries a marker; the judge's scripted reply depends on it, so concurrency cannot reorder verdicts. */
const VERDICTS: Record<string, ScriptedReply> = {
  好: { json: completion(JSON.stringify({ score: 5, reason: '答案准确且完整。' })) },
  差: { json: completion(JSON.stringify({ score: 2, reason: '答案与来源不符。' })) },
  中: { json: completion(JSON.stringify({ score: 3, reason: '可用但过于简略。' })) },
  // Not the JSON asked for: counted as a failure, the item kept.
  坏: { json: completion('我觉得这条还行，给 4 分。') },
  // A score outside 1–5 breaks the schema the same way.
  越: { json: completion(JSON.stringify({ score: 7, reason: '非常好' })) },
};

function completion(content: string) {
  return { choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 10 } };
}

async function judgeServer(): Promise<ScriptedOpenAIServer> {
  const server = await startScriptedOpenAIServer();
  servers.push(server);
  const reply = (request: RecordedRequest): ScriptedReply => VERDICTS[Object.keys(VERDICTS).find((marker) => messagesOf(request)[1]!.content.includes(`问${marker}`))!]!;
  for (let index = 0; index < 10; index += 1) server.enqueue('/v1/chat/completions', reply);
  return server;
}

const LINES = ['好', '差', '中', '坏', '越'].map((marker) => JSON.stringify({ messages: [{ role: 'user', content: `问${marker}：试用期最长多久？` }, { role: 'assistant', content: '试用期不得超过六个月。' }] }));

describe('judgeQuality', () => {
  it('rejects scores below minScore with score and reason, keeps and flags items the judge failed on', async () => {
    const server = await judgeServer();
    const { records } = parseDataset(LINES.join('\n'), 'qa.jsonl');
    const model = createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'judge-model', maxRetries: 0 });
    const progress: number[] = [];
    const result = await judgeQuality(records, { model, minScore: 3, concurrency: 3, sourceText: () => '劳动合同期限三年以上的，试用期不得超过六个月。', onProgress: (done) => progress.push(done) });

    expect(result.kept.map((record) => record.id)).toEqual(['qa.jsonl:1', 'qa.jsonl:3', 'qa.jsonl:4', 'qa.jsonl:5']);
    expect(result.rejected.map((rejection) => [rejection.record.id, rejection.reason, rejection.score, rejection.judgeReason, rejection.detail])).toEqual([['qa.jsonl:2', 'judge-score', 2, '答案与来源不符。', 'judge score 2 < 3: 答案与来源不符。']]);
    expect(result.failures.map((failure) => [failure.record.id, failure.code])).toEqual([
      ['qa.jsonl:4', 'E_MODEL_OUTPUT'],
      ['qa.jsonl:5', 'E_MODEL_OUTPUT'],
    ]);
    expect(result.counts).toEqual({ judged: 3, 'judge-score': 1, 'judge-failed': 2 });
    expect(result.verdicts.get('qa.jsonl:3')).toEqual({ score: 3, reason: '可用但过于简略。' });
    expect(progress).toEqual([1, 2, 3, 4, 5]);

    // What the judge saw: the Chinese rubric plus the answer format, the source, the item, and a 1–5 schema at temperature 0.
    const request = server.requests[0]!;
    const [system, user] = messagesOf(request);
    expect(system!.content.startsWith(DEFAULT_JUDGE_RUBRICS.zh)).toBe(true);
    expect(system!.content).toContain('只输出 JSON');
    expect(user!.content).toMatch(/^来源原文:\n劳动合同期限三年以上的，试用期不得超过六个月。\n\n待评条目:\nuser: 问.：试用期最长多久？\nassistant: 试用期不得超过六个月。$/u);
    const body = request.body as { temperature: number; response_format: { json_schema: { name: string; schema: { properties: { score: { enum: number[] } } } } } };
    expect(body.temperature).toBe(0);
    expect(body.response_format.json_schema.name).toBe('quality_verdict');
    expect(body.response_format.json_schema.schema.properties.score.enum).toEqual([1, 2, 3, 4, 5]);
  });

  it('uses an overriding rubric and says when no source is given', async () => {
    const server = await judgeServer();
    const { records } = parseDataset(LINES[0]!, 'qa.jsonl');
    const model = createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'judge-model', maxRetries: 0 });
    const result = await judgeQuality(records, { model, rubric: '只看答案是否引用了法条编号。', minScore: 4 });
    expect(result.counts).toEqual({ judged: 1, 'judge-score': 0, 'judge-failed': 0 });
    const [system, user] = messagesOf(server.requests[0]!);
    expect(system!.content).toBe('只看答案是否引用了法条编号。\n\n只输出 JSON：{"score": 1 到 5 的整数, "reason": "一句话理由"}。');
    expect(user!.content.startsWith('来源原文:\n（未提供来源）\n\n')).toBe(true);
  });
});
