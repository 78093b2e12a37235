/**
 * `hangjia eval compare --strategies rag,pearl,agent` on a RAG question set over two long laws,
 * against a scripted model that plans, calls tools and answers by what each request asks for:
 * each strategy is scored like `eval rag`, with its tokens (PEARL and the agent pay for several
 * calls per question).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAW_FILES } from '../../reasoning/__fixtures__/laws.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, textReply, toolCallsReply, type RecordedRequest, type ScriptedOpenAIServer, type ScriptedReply } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();
const REFERENCE = '租赁期限届满，承租人应当返还租赁物';
const QUESTIONS = [
  { id: 'q1', question: '租赁期限届满后承租人应当做什么？', reference: `${REFERENCE}。`, evidence: ['中华人民共和国民法典第七百三十三条'] },
  { id: 'q2', question: '租赁期满，承租人要返还什么？', reference: `${REFERENCE}。`, evidence: ['中华人民共和国民法典第七百三十三条'] },
];

/** Plans for planning requests, one search then an answer for tool requests, the cited reference otherwise. */
function model(request: RecordedRequest): ScriptedReply {
  const body = request.body as { stream?: boolean; tools?: unknown[]; messages: Array<{ role: string; content: string | null }> };
  const system = body.messages[0]?.content ?? '';
  const answer = `${REFERENCE}[1]。`;
  if (body.tools !== undefined) {
    return body.messages.some((message) => message.role === 'tool') ? textReply(answer) : toolCallsReply([{ name: 'search_knowledge_base', arguments: { query: '租赁期限届满 返还租赁物', document: '民法典' } }]);
  }
  if (system.includes('编写计划')) return textReply('1. rule = FIND_ARTICLE("民法典", "租赁期限届满 返还租赁物")');
  if (body.stream === true) {
    return { events: [{ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: answer }, finish_reason: null }] }, { object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 300, completion_tokens: 10 } }, '[DONE]'] };
  }
  return textReply(answer);
}

describe('hangjia eval compare with pearl and agent', () => {
  let server: ScriptedOpenAIServer;
  let home: string;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
    home = temporaryDirectory();
    const sources = temporaryDirectory();
    writeFiles(sources, LAW_FILES);
    expect((await runCliCaptured(['kb', 'create', 'laws', sources, '--quiet'], { home })).code).toBe(0);
    for (let index = 0; index < 40; index++) server.enqueue('/v1/chat/completions', model);
  });
  afterEach(async () => {
    await server.close();
  });

  it('scores each strategy like eval rag, with all of its model calls counted', async () => {
    const workspace = temporaryDirectory();
    const file = path.join(workspace, 'questions.jsonl');
    writeFileSync(file, QUESTIONS.map((item) => JSON.stringify(item)).join('\n') + '\n');
    const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' };
    const run = await runCliCaptured(['eval', 'compare', file, '--kb', 'laws', '--strategies', 'rag,pearl,agent', '--evidence-threshold', '0', '--out', path.join(workspace, 'report'), '--json', '--quiet'], { home, cwd: workspace, env });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { strategies: Array<{ name: string; kind: string; grounded: boolean; items: number; usage: { inputTokens: number; outputTokens: number }; metrics: Record<string, { mean: number | null }> }> };
    const rows = Object.fromEntries(result.strategies.map((row) => [row.name, row]));
    expect(Object.keys(rows)).toEqual(['rag', 'pearl', 'agent']);
    for (const name of ['rag', 'pearl', 'agent']) {
      expect(rows[name]).toMatchObject({ grounded: true, items: 2 });
      // Every answer is the reference, cited [1] — the passage each strategy read first.
      expect(rows[name]!.metrics['characterF1']!.mean).toBeGreaterThan(0.9);
      expect(rows[name]!.metrics['citationPrecision']!.mean).toBe(1);
    }
    // RAG: one streamed call; PEARL: plan + answer (80 + 20 tokens each); agent: two tool turns (50 + 10, 80 + 20).
    expect(rows['rag']!.usage).toEqual({ inputTokens: 600, outputTokens: 20 });
    expect(rows['pearl']!.usage).toEqual({ inputTokens: 320, outputTokens: 80 });
    expect(rows['agent']!.usage).toEqual({ inputTokens: 260, outputTokens: 60 });
  });

  it('refuses pearl and agent on an exam, and without a knowledge base', async () => {
    const workspace = temporaryDirectory();
    const exam = path.join(workspace, 'exam.jsonl');
    writeFileSync(exam, `${JSON.stringify({ id: 'e1', question: '问题', choices: ['甲', '乙'], answer: 'A' })}\n`);
    const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' };
    const onExam = await runCliCaptured(['eval', 'compare', exam, '--kb', 'laws', '--strategies', 'agent'], { home, cwd: workspace, env });
    expect(onExam.code).toBe(2);
    expect(onExam.stderr).toContain('pearl and agent answer in free form');
    const withoutKb = await runCliCaptured(['eval', 'compare', exam, '--strategies', 'pearl'], { home, cwd: workspace, env });
    expect(withoutKb.stderr).toContain('The pearl and agent strategies need a knowledge base');
  });
});
