import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/index.js';
import { openKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();
const servers: ScriptedOpenAIServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const PROBATION = '劳动合同期限三年以上的，试用期不得超过六个月。';

type Messages = Array<{ role: string; content: string }>;
const messagesOf = (request: RecordedRequest): Messages => (request.body as { messages: Messages }).messages;
const item = (question: string, answer: string, chunkIds?: string[]) => JSON.stringify({ messages: [{ role: 'user', content: question }, { role: 'assistant', content: answer }], ...(chunkIds ? { chunkIds } : {}) });

/** A knowledge base "law" with one chunk (built through the CLI), and a dataset of four items over it. */
async function setUp(): Promise<{ home: string; chunkId: string }> {
  const home = temporaryDirectory();
  writeFiles(home, { 'docs/probation.txt': PROBATION });
  expect((await runCliCaptured(['kb', 'create', 'law', path.join(home, 'docs')], { home, cwd: home })).code).toBe(0);
  const kb = openKnowledgeBase({ home, name: 'law' }, createDefaultComponents({ ...DEFAULT_CONFIG, embedding: { provider: 'none' } }));
  const chunkId = [...kb.store.iterateChunks()][0]!.chunk.id;
  kb.close();
  writeFiles(home, {
    'qa.jsonl': [
      item('问好：试用期最长多久？', '试用期不得超过六个月。', [chunkId]), // support 9/9
      item('试用员工能随时走吗？', '试用员工可以随时辞职无需提前通知', [chunkId]), // support 1/15
      item('问坏：公司年会几号？', '公司年会在十二月举行'), // no chunk ids: not checked
      item('问差：报销需要什么材料？', '需要发票和审批单。'), // no chunk ids: not checked
    ].join('\n'),
  });
  return { home, chunkId };
}

describe('hangjia data clean --kb / --judge', () => {
  it('rejects ungrounded generated items with their support and counts the unchecked ones', async () => {
    const { home } = await setUp();
    const run = await runCliCaptured(['data', 'clean', 'qa.jsonl', '--out', 'out', '--kb', 'law', '--json'], { home, cwd: home });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { counts: Record<string, number>; grounding: Record<string, unknown>; judge: unknown };
    expect(report.counts).toMatchObject({ input: 4, ungrounded: 1, 'unknown-chunk': 0, kept: 3 });
    expect(report.grounding).toEqual({ knowledgeBase: 'law', minSupport: 0.1, checked: 2, 'not-checked': 2, ungrounded: 1, 'unknown-chunk': 0 });
    expect(report.judge).toBeNull();
    const rejects = fs.readFileSync(path.join(home, 'out/qa.rejects.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rejects.map((reject) => [reject.id, reject.reason, reject.support])).toEqual([['qa.jsonl:2', 'ungrounded', 0.0667]]);

    // A stricter threshold, and the text summary.
    const strict = await runCliCaptured(['data', 'clean', 'qa.jsonl', '--out', 'out', '--kb', 'law', '--min-support', '1'], { home, cwd: home });
    expect(strict.stdout).toContain('kept 3 of 4\n  ungrounded       1\ngrounding: 2 checked, 2 not checked (no chunk ids)\n');

    const usage = await runCliCaptured(['data', 'clean', 'qa.jsonl', '--out', 'out', '--min-support', '0.5'], { home, cwd: home });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--min-support needs --kb <name>');
  });

  it('judges the kept items: low scores rejected with score and reason, a malformed verdict kept and flagged', async () => {
    const { home } = await setUp();
    const server = await startScriptedOpenAIServer();
    servers.push(server);
    const content = (request: RecordedRequest): string => {
      const user = messagesOf(request)[1]!.content;
      if (user.includes('问好')) return JSON.stringify({ score: 4, reason: '与原文一致。' });
      if (user.includes('问差')) return JSON.stringify({ score: 1, reason: '没有来源，答案也不完整。' });
      return '{"score": 4, "reason": '; // cut off: not valid JSON
    };
    for (let index = 0; index < 6; index += 1) server.enqueue('/v1/chat/completions', (request) => ({ json: { choices: [{ index: 0, message: { role: 'assistant', content: content(request) }, finish_reason: 'stop' }] } }));
    writeFiles(home, { 'rubric.md': '只看答案是否完整。' });
    const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'judge-model' };

    const run = await runCliCaptured(['data', 'clean', 'qa.jsonl', '--out', 'out', '--kb', 'law', '--judge', '--rubric', 'rubric.md', '--min-judge-score', '3', '--json'], { home, cwd: home, env });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { counts: Record<string, number>; judge: Record<string, unknown> };
    expect(report.counts).toMatchObject({ input: 4, ungrounded: 1, 'judge-score': 1, kept: 2 });
    expect(report.judge).toMatchObject({ model: 'openai-compatible:judge-model', rubric: 'rubric.md', minScore: 3, judged: 2, 'judge-score': 1, 'judge-failed': 1, flagged: [{ id: 'qa.jsonl:3', code: 'E_MODEL_OUTPUT' }] });
    expect(run.stderr).toContain('qa.jsonl:3: judge failed (E_MODEL_OUTPUT), item kept and flagged');
    // Only the three items grounding kept reach the judge; the grounded one is judged with its chunk as the source.
    expect(server.requests.length).toBe(3);
    const judgedGrounded = server.requests.find((request) => messagesOf(request)[1]!.content.includes('问好'))!;
    expect(messagesOf(judgedGrounded)[0]!.content.startsWith('只看答案是否完整。\n\n')).toBe(true);
    expect(messagesOf(judgedGrounded)[1]!.content.startsWith(`来源原文:\n${PROBATION}\n\n`)).toBe(true);
    const rejects = fs.readFileSync(path.join(home, 'out/qa.rejects.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rejects.map((reject) => [reject.id, reject.reason, reject.score ?? reject.support, reject.judgeReason])).toEqual([
      ['qa.jsonl:2', 'ungrounded', 0.0667, undefined],
      ['qa.jsonl:4', 'judge-score', 1, '没有来源，答案也不完整。'],
    ]);
    const kept = fs.readFileSync(path.join(home, 'out/qa.clean.jsonl'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { messages: Messages }).messages[0]!.content);
    expect(kept).toEqual(['问好：试用期最长多久？', '问坏：公司年会几号？']);
  });

  it('--judge without a configured model is a clear configuration error', async () => {
    const home = temporaryDirectory();
    writeFiles(home, { 'qa.jsonl': item('试用期最长多久？', '试用期不得超过六个月。') });
    const run = await runCliCaptured(['data', 'clean', 'qa.jsonl', '--out', 'out', '--judge'], { home, cwd: home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Judging quality (--judge) needs a chat model, and none is configured');
    expect(run.stderr).toContain('[E_CONFIG]');
    expect(fs.existsSync(path.join(home, 'out'))).toBe(false);
  });
});
