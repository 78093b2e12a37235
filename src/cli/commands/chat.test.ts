import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chatStreamEvents, HANDBOOK } from '../../answer/__fixtures__/handbook.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

describe('hangjia chat', () => {
  it('answers each turn (extractively without a model) and condenses a follow-up for retrieval', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, {
      'handbook.txt': '员工手册\n\n第一章 试用\n\n第一条 试用期最长不得超过六个月。\n\n第二条 试用期工资不得低于转正工资的百分之八十。\n\n第二章 休假\n\n第三条 年休假每年十五天。\n',
    });
    expect((await runCliCaptured(['kb', 'create', 'hr', root, '--quiet'], { home })).code).toBe(0);

    const stdin = Readable.from(['试用期最长多久？\n', '那工资呢？\n', '/exit\n']);
    const run = await runCliCaptured(['chat', 'hr', '--verbose'], { home, stdin });
    expect(run.code, run.stderr).toBe(0);
    // Turn one quotes the article on the probation length; turn two, searched with the carried-over
    // key term 试用期, quotes the article on probation pay rather than anything about leave.
    expect(run.stdout).toContain('试用期最长不得超过六个月');
    expect(run.stdout).toContain('试用期工资不得低于转正工资的百分之八十');
    expect(run.stderr).toMatch(/\(searched for: 试用期[^)]*那工资呢？\)/);
  });

  it('--json writes one answer object per line (JSON Lines)', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'handbook.txt': '员工手册\n\n第一章 试用\n\n第一条 试用期最长不得超过六个月。\n\n第二条 试用期工资不得低于转正工资的百分之八十。\n' });
    expect((await runCliCaptured(['kb', 'create', 'hr', root, '--quiet'], { home })).code).toBe(0);
    const stdin = Readable.from(['试用期最长多久？\n', '那工资呢？\n', '/exit\n']);
    const run = await runCliCaptured(['chat', 'hr', '--json'], { home, stdin });
    expect(run.code, run.stderr).toBe(0);
    const answers = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { question: string; kind: string; answer: string; knowledgeBase: string });
    expect(answers.map((answer) => [answer.question, answer.kind, answer.knowledgeBase])).toEqual([
      ['试用期最长多久？', 'extractive', 'hr'],
      ['那工资呢？', 'extractive', 'hr'],
    ]);
    expect(answers[1]!.answer).toContain('试用期工资不得低于转正工资的百分之八十');
  });

  it('sends the first exchange with the second question, so a follow-up reaches the model with the answer it refers to', async () => {
    const { run, requests } = await chatTwoTurnsWithScriptedModel(['劳动合同期限三年以上的，试用期不得超过六个月[2]。'], ['最多六个月[2]。']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('劳动合同期限三年以上的，试用期不得超过六个月[2]。\n');
    expect(run.stdout).toContain('最多六个月[2]。\n');
    expect(requests).toHaveLength(3);
    const messages = (index: number) => (requests[index]!.body as { messages: Array<{ role: string; content: string }> }).messages;
    // Turn one had nothing before it.
    expect(messages(0).map((message) => message.role)).toEqual(['system', 'user']);
    // Turn two carries turn one as a user/assistant pair (its [2] stripped), then its own sources.
    expect(messages(2).map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages(2).slice(1, 3)).toEqual([
      { role: 'user', content: '试用期最长多久？' },
      { role: 'assistant', content: '劳动合同期限三年以上的，试用期不得超过六个月。' },
    ]);
    expect(messages(2)[3]!.content.startsWith('资料：\n[1] 星河网络员工手册 › 第二章 劳动合同 › 第三条\n')).toBe(true);
    expect(messages(2)[3]!.content.endsWith('\n\n问题：说简单点（即：试用期最长多久？）')).toBe(true);
    expect(run.stderr).toContain('(earlier turns sent to the model: 2; left out: 0)');
  });

  it('sends no earlier turns when answer.historyTokens is 0', async () => {
    const { run, requests } = await chatTwoTurnsWithScriptedModel(['最长六个月[2]。'], ['六个月[2]。'], { HANGJIA_HISTORY_TOKENS: '0' });
    expect(run.code, run.stderr).toBe(0);
    // The follow-up is still condensed with the earlier turn for retrieval, but the answer's prompt carries none.
    const messages = (requests[2]!.body as { messages: Array<{ role: string }> }).messages;
    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(run.stderr).toContain('(earlier turns sent to the model: 0; left out: 2)');
  });
});

/**
 * Chats two turns over the handbook with a scripted model: "试用期最长多久？", then the follow-up
 * "说简单点", which is condensed (not streamed) back to the first question before it is answered.
 */
async function chatTwoTurnsWithScriptedModel(firstAnswer: string[], secondAnswer: string[], extraEnv: Record<string, string> = {}) {
  const server = await startScriptedOpenAIServer();
  try {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { 'handbook.md': HANDBOOK });
    expect((await runCliCaptured(['kb', 'create', 'hr', root, '--quiet'], { home })).code).toBe(0);
    server.enqueue(
      '/v1/chat/completions',
      { events: chatStreamEvents(firstAnswer) },
      { json: { id: 'x', object: 'chat.completion', created: 0, model: 'scripted-model', choices: [{ index: 0, message: { role: 'assistant', content: '试用期最长多久？' }, finish_reason: 'stop' }] } },
      { events: chatStreamEvents(secondAnswer) },
    );
    const stdin = Readable.from(['试用期最长多久？\n', '说简单点\n', '/exit\n']);
    const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model', ...extraEnv };
    const run = await runCliCaptured(['chat', 'hr', '-k', '3', '--verbose'], { home, stdin, env });
    return { run, requests: server.requests };
  } finally {
    await server.close();
  }
}
