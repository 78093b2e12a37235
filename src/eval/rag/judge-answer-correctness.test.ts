import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { createOpenAICompatibleChatModel } from '../../providers/index.js';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { ANSWER_CORRECTNESS_TASK, judgeAnswerCorrectness } from './judge-answer-correctness.js';

const verdict = (content: unknown) => ({
  json: { id: 'j', object: 'chat.completion', created: 0, model: 'judge', choices: [{ index: 0, message: { role: 'assistant', content: typeof content === 'string' ? content : JSON.stringify(content) }, finish_reason: 'stop' }] },
});

describe('judgeAnswerCorrectness', () => {
  let server: ScriptedOpenAIServer;
  beforeAll(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('sends question, reference and answer in the question language, with the verdict schema, and scores 1 / 0.5 / 0', async () => {
    const model = createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'judge' });
    server.enqueue('/v1/chat/completions', verdict({ reason: '一致', verdict: 'correct' }), verdict({ reason: 'half', verdict: 'partially-correct' }), verdict({ reason: 'no', verdict: 'incorrect' }));
    const item = { question: '试用期最长多久？', reference: '六个月。', answer: '最长六个月[1]。' };
    expect(await judgeAnswerCorrectness(model, item)).toEqual({ verdict: 'correct', score: 1, reason: '一致' });
    const request = server.requests.at(-1)!.body as { temperature: number; messages: Array<{ content: string }>; response_format: { json_schema: { name: string } } };
    expect(request.response_format.json_schema.name).toBe(ANSWER_CORRECTNESS_TASK);
    expect(request.temperature).toBe(0);
    expect(request.messages[1]!.content).toBe('问题：\n试用期最长多久？\n\n参考答案：\n六个月。\n\n待评答案：\n最长六个月[1]。');
    expect((await judgeAnswerCorrectness(model, { question: 'How long?', reference: 'Six months.', answer: 'Three.' })).score).toBe(0.5);
    expect(server.requests.at(-1)!.body).toMatchObject({ messages: [{ role: 'system' }, { content: 'Question:\nHow long?\n\nReference answer:\nSix months.\n\nAnswer:\nThree.' }] });
    expect((await judgeAnswerCorrectness(model, item)).score).toBe(0);
  });

  it('fails with E_MODEL_OUTPUT on a verdict outside the schema rather than guessing', async () => {
    const model = createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'judge' });
    server.enqueue('/v1/chat/completions', verdict({ reason: 'x', verdict: 'mostly' }));
    const error = await judgeAnswerCorrectness(model, { question: 'q', reference: 'r', answer: 'a' }).catch((reason: unknown) => reason);
    expect(HangjiaError.is(error, 'E_MODEL_OUTPUT')).toBe(true);
  });
});
