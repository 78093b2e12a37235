import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RAG_JUDGE_TASKS } from '../../eval/index.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

function writeSet(directory: string): string {
  const file = path.join(directory, 'law.jsonl');
  writeFileSync(file, [
    JSON.stringify({ id: 'q1', question: '试用期最长多久？', answer: '试用期不得超过六个月[1]。', contexts: ['劳动合同期限三年以上的，试用期不得超过六个月。'], reference: '试用期不得超过六个月。' }),
    JSON.stringify({ id: 'q2', question: '试用期工资？', answer: '违约金为五千元[1]。', contexts: ['试用期工资不得低于本单位相同岗位最低档工资的百分之八十。'] }),
    JSON.stringify({ id: 'q3', question: '缺上下文', answer: '…' }),
  ].join('\n'));
  return file;
}

describe('hangjia eval rag', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('scores lexically without a model, reports skipped lines, and resumes', async () => {
    const home = temporaryDirectory();
    const file = writeSet(home);
    const runDirectory = path.join(home, 'run');
    const run = await runCliCaptured(['eval', 'rag', file, '--json', '--run-dir', runDirectory], { home });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Skipped 1 malformed items (invalid-contexts 1).');
    expect(run.stderr).toContain('lexical (no model');
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ variant: 'lexical', complete: true, evaluatedItems: 2 });
    // q1: one supported claim, a supported citation, an exact answer; q2: an invented claim citing the wrong text.
    // Answers from a file: none of these lines says it is a refusal, or how its contexts were chosen.
    expect(result.items).toEqual([
      { id: 'q1', scores: expect.objectContaining({ faithfulness: 1, citationPrecision: 1, exactMatch: 1, characterF1: 1, rougeL: 1 }), refusal: null, passages: null },
      { id: 'q2', scores: expect.objectContaining({ faithfulness: 0, citationPrecision: 0, contextRecall: null, exactMatch: null }), refusal: null, passages: null },
    ]);
    expect(result.summary.refusals).toEqual({ items: 0, rate: 0, byReason: { 'evidence-threshold': 0, model: 0 } });
    expect(result.summary.metrics.faithfulness).toMatchObject({ items: 2, mean: 0.5 });
    expect(result.summary.metrics.exactMatch).toMatchObject({ items: 1, mean: 1, confidenceInterval: [1, 1] });

    const table = await runCliCaptured(['eval', 'rag', file, '--run-dir', runDirectory], { home });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stderr).toContain('Resumed: 2 items were already scored');
    expect(table.stdout.split('\n')[0]).toBe('metric                 items  mean    95% CI');
    expect(table.stdout).toContain('faithfulness               2  0.5000  [0.0000, 1.0000]');
    expect(table.stdout).toContain('variant     lexical (term coverage, no model; not comparable with judged scores)');
    // Without --kb, and with no line marked a refusal, the table does not report a count it cannot know.
    expect(table.stdout).not.toContain('refused ');
  });

  it('scores an answer the file marks as a refusal as one, and names a bad refusal value', async () => {
    const home = temporaryDirectory();
    const file = path.join(home, 'refusals.jsonl');
    writeFileSync(file, [
      JSON.stringify({ id: 'q1', question: '试用期最长多久？', answer: '试用期不得超过六个月[1]。', contexts: ['劳动合同期限三年以上的，试用期不得超过六个月。'] }),
      JSON.stringify({ id: 'q2', question: '加班费怎么算？', answer: '资料中没有相关规定。', contexts: ['劳动合同期限三年以上的，试用期不得超过六个月。'], refusal: 'model' }),
      JSON.stringify({ id: 'q3', question: '年假几天？', answer: '不知道。', contexts: [], refusal: 'maybe' }),
    ].join('\n'));
    const run = await runCliCaptured(['eval', 'rag', file, '--json', '--run-dir', path.join(home, 'run')], { home });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Skipped 1 malformed items (invalid-refusal 1).');
    expect(run.stderr).toContain('expected "refusal" to be one of "evidence-threshold", "model"');
    const result = JSON.parse(run.stdout);
    // A refusal makes no claims: no faithfulness, no citation metrics, answer relevancy 0.
    expect(result.items[1]).toMatchObject({ id: 'q2', refusal: 'model', scores: { faithfulness: null, citationPrecision: null, answerRelevancy: 0 } });
    expect(result.summary.refusals).toEqual({ items: 1, rate: 0.5, byReason: { 'evidence-threshold': 0, model: 1 } });
    expect(result.summary.metrics.faithfulness).toMatchObject({ items: 1, mean: 1 });
  });

  it('--judge uses the configured chat model as judge through JSON-schema calls', async () => {
    const home = temporaryDirectory();
    const file = path.join(home, 'one.jsonl');
    writeFileSync(file, `${JSON.stringify({ id: 'q1', question: '试用期最长多久？', answer: '六个月。', contexts: ['试用期不得超过六个月。', '无关。'] })}\n`);
    const replies: Record<string, unknown> = {
      [RAG_JUDGE_TASKS.statements]: { statements: ['试用期最长六个月'] },
      [RAG_JUDGE_TASKS.faithfulness]: { verdicts: [{ reason: '见上下文', verdict: 1 }] },
      [RAG_JUDGE_TASKS.questions]: { questions: ['试用期最长多久？', '试用期多长？', '试用期上限？'], noncommittal: 0 },
      [RAG_JUDGE_TASKS.contextPrecision]: { verdicts: [{ reason: '有用', verdict: 0 }, { reason: '无关', verdict: 1 }] },
    };
    const task = (request: RecordedRequest) => (request.body as { response_format: { json_schema: { name: string } } }).response_format.json_schema.name;
    server.enqueue(
      '/v1/chat/completions',
      ...Array.from({ length: 4 }, () => (request: RecordedRequest) => ({
        json: { id: 'x', object: 'chat.completion', created: 0, model: 'judge', choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(replies[task(request)]) }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } },
      })),
    );
    const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'judge' };
    const run = await runCliCaptured(['eval', 'rag', file, '--judge', '--json'], { home, cwd: home, env });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.variant).toBe('model');
    // faithfulness 1/1; context precision: the only relevant context at rank 2 → 1/2
    expect(result.items[0].scores).toMatchObject({ faithfulness: 1, contextPrecision: 0.5, contextRecall: null, citationPrecision: null });
    expect(result.runDirectory).toBe(path.join(home, 'runs', 'rag.one.judge'));
    expect(server.requests.map(task)).toEqual([RAG_JUDGE_TASKS.statements, RAG_JUDGE_TASKS.faithfulness, RAG_JUDGE_TASKS.questions, RAG_JUDGE_TASKS.contextPrecision]);
  });

  it('names the problem when --judge has no model', async () => {
    const home = temporaryDirectory();
    const run = await runCliCaptured(['eval', 'rag', writeSet(home), '--judge'], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--judge needs a chat model');
  });
});
