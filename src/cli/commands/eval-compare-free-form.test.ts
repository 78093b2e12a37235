/**
 * `hangjia eval compare` on a RAG question set: each strategy writes free-form answers, scored with
 * the `eval rag` measures, against the scripted server. The scripted model answers with the
 * reference and a [1] marker when the prompt carries passages (资料：), "不清楚。" without them; the
 * "ft-model" endpoint always answers with the reference, uncited. One question is outside the
 * knowledge base, so the RAG strategies refuse it without calling the model.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { characterF1, rougeL } from '../../eval/index.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer, type ScriptedReply } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

const QUESTIONS = [
  { id: 'q1', question: '试用期最长可以约定多久？', reference: '劳动合同的试用期最长不得超过六个月。' },
  { id: 'q2', question: '工作满一年的职工年休假有几天？', reference: '职工累计工作满一年不满十年的，年休假五天。' },
  { id: 'q3', question: '经济补偿怎么计算？', reference: '经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资。' },
  { id: 'q4', question: '试用期工资最低是多少？', reference: '试用期工资不得低于本单位相同岗位最低档工资的百分之八十。' },
  { id: 'q5', question: '请求法院保护民事权利的诉讼时效期间是多长？', reference: '向人民法院请求保护民事权利的诉讼时效期间为三年。' },
  { id: 'q6', question: '网购的商品七天无理由退货从哪天开始算？', reference: '消费者有权自收到商品之日起七日内退货，且无需说明理由。' },
  // Not in the knowledge base: the RAG strategies refuse it at the evidence threshold.
  { id: 'q7', question: '火星有几颗天然卫星？', reference: '火星有两颗天然卫星。' },
];
const DEV = [
  { id: 'd1', question: '劳动合同应当采用什么形式？', reference: '建立劳动关系，应当订立书面劳动合同。' },
  { id: 'd2', question: '加班费最低怎么算？', reference: '延长工作时间的，支付不低于工资的百分之一百五十的工资报酬。' },
];
const WRONG = '不清楚。';

/** Prompt tokens 400 with passages and 100 without; completion tokens 10 and 2. */
function examinee(request: RecordedRequest): ScriptedReply {
  const body = request.body as { model?: string; stream?: boolean; messages: Array<{ role: string; content: string }> };
  const user = [...body.messages].reverse().find((message) => message.role === 'user')?.content ?? '';
  // The question closes the user turn; passages come before it.
  const item = QUESTIONS.find((question) => user.trimEnd().endsWith(question.question));
  const withPassages = user.includes('资料：');
  const text = body.model === 'ft-model' ? (item?.reference ?? WRONG) : withPassages ? `${item?.reference.replace(/。$/, '') ?? ''}[1]。` : WRONG;
  const usage = withPassages ? { prompt_tokens: 400, completion_tokens: 10, total_tokens: 410 } : { prompt_tokens: 100, completion_tokens: 2, total_tokens: 102 };
  const base = { id: 'chatcmpl-free-form', created: 0, model: body.model };
  if (body.stream === true) {
    return {
      events: [
        { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] },
        { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage },
        '[DONE]',
      ],
    };
  }
  return { json: { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage } };
}

interface Row {
  name: string;
  kind: string;
  grounded: boolean;
  items: number;
  complete: boolean;
  metrics: Record<string, { items: number; mean: number | null; confidenceInterval: [number, number] | null }>;
  refusalRate: number | null;
  usage: { inputTokens: number; outputTokens: number };
  costPer1000Items: number | null;
  pairedVersusRecommended: Record<string, { items: number; difference: number; pValue: number }> | null;
}

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('hangjia eval compare (free-form answers)', () => {
  let server: ScriptedOpenAIServer;
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
    server.enqueue('/v1/chat/completions', ...Array.from({ length: 500 }, () => examinee));
    home = temporaryDirectory();
    env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' };
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers under every strategy, scores them like eval rag, recommends RAG with paired tests, and resumes', async () => {
    const sources = temporaryDirectory();
    writeFiles(sources, Object.fromEntries(QUESTIONS.slice(0, 6).map((item) => [`${item.id}.md`, `# ${item.question}\n\n${item.reference}\n`])));
    expect((await runCliCaptured(['kb', 'create', 'law', sources, '--quiet'], { home, env })).code).toBe(0);
    const workspace = temporaryDirectory();
    const file = path.join(workspace, 'questions.jsonl');
    const dev = path.join(workspace, 'dev.jsonl');
    writeFileSync(file, QUESTIONS.map((item) => JSON.stringify(item)).join('\n') + '\n');
    writeFileSync(dev, DEV.map((item) => JSON.stringify(item)).join('\n') + '\n');
    const out = path.join(workspace, 'report');
    const args = ['eval', 'compare', file, '--kb', 'law', '--dev', dev, '--shots', '1', '--k', '3', '--endpoint', `ft=${server.baseURL},ft-model`, '--price', 'base=1/2', '--price', 'ft=3/6', '--out', out, '--json', '--quiet'];
    const run = await runCliCaptured(args, { home, cwd: workspace, env });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { kind: string; measure: string; strategies: Row[]; recommendation: { strategy: string; excluded: Array<{ name: string; reason: string }>; statement: string } };
    expect(result).toMatchObject({ kind: 'free-form', measure: 'characterF1' });
    const rows = Object.fromEntries(result.strategies.map((row) => [row.name, row]));
    expect(Object.keys(rows)).toEqual(['zero-shot', 'few-shot', 'rag', 'rag+few-shot', 'ft']);

    const wrongF1 = mean(QUESTIONS.map((item) => characterF1(WRONG, item.reference)));
    const refusedF1 = characterF1('知识库中没有涉及这个问题的内容。', QUESTIONS[6]!.reference);
    const refusedRouge = rougeL('知识库中没有涉及这个问题的内容。', QUESTIONS[6]!.reference);
    // Direct answers: wrong everywhere, no passages, so no faithfulness and no refusals to count.
    expect(rows['zero-shot']).toMatchObject({ grounded: false, items: 7, complete: true, refusalRate: null, usage: { inputTokens: 700, outputTokens: 14 } });
    expect(rows['zero-shot']!.metrics['characterF1']!.mean).toBeCloseTo(wrongF1, 12);
    expect(rows['zero-shot']!.metrics['faithfulness']).toEqual({ items: 0, mean: null, confidenceInterval: null });
    expect(rows['few-shot']!.metrics['characterF1']!.mean).toBeCloseTo(wrongF1, 12);
    // RAG: six exact, cited answers (markers do not count against the wording) and one refusal
    // without a model call (no tokens); every claim is in the passages.
    expect(rows['rag']).toMatchObject({ grounded: true, items: 7, refusalRate: 1 / 7, usage: { inputTokens: 2400, outputTokens: 60 } });
    expect(rows['rag']!.metrics['characterF1']!.mean).toBeCloseTo((6 + refusedF1) / 7, 12);
    expect(rows['rag']!.metrics['rougeL']!.mean).toBeCloseTo((6 + refusedRouge) / 7, 12);
    expect(rows['rag']!.metrics['faithfulness']).toMatchObject({ items: 6, mean: 1 });
    expect(rows['rag']!.costPer1000Items).toBeCloseTo(((2400 * 1 + 60 * 2) / 1e6 / 7) * 1000, 12);
    expect(rows['ft']).toMatchObject({ kind: 'endpoint', grounded: false, usage: { inputTokens: 700, outputTokens: 14 } });
    expect(rows['ft']!.metrics['characterF1']).toMatchObject({ mean: 1, confidenceInterval: [1, 1] });
    expect(rows['ft']!.costPer1000Items).toBeCloseTo(((700 * 3 + 14 * 6) / 1e6 / 7) * 1000, 12);

    // ft [1, 1] does not lie wholly above rag+few-shot's interval (which reaches 1): not judged.
    // rag and rag+few-shot tie at the same cost; the simpler one is recommended.
    expect(result.recommendation.strategy).toBe('rag');
    expect(result.recommendation.excluded).toEqual([{ name: 'ft', reason: "its interval does not lie above rag+few-shot's" }]);
    expect(result.recommendation.statement).toContain('character F1');
    // Paired with rag: zero-shot is worse on every question it answered differently.
    const paired = rows['zero-shot']!.pairedVersusRecommended!;
    expect(paired['characterF1']!.items).toBe(7);
    expect(paired['characterF1']!.difference).toBeCloseTo(wrongF1 - (6 + refusedF1) / 7, 12);
    expect(paired['characterF1']!.pValue).toBeLessThan(0.05);
    expect(rows['rag']!.pairedVersusRecommended).toBeNull();

    const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('# Approach comparison (free-form answers)');
    expect(summary).toContain('| rag ✓ | rag |');
    expect(summary).toContain('n/a (no passages)');
    expect(summary).toContain('## Paired comparison with the recommended strategy');
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('<svg');

    // A second run resumes every strategy: no model call.
    const calls = server.requests.length;
    const again = await runCliCaptured(args, { home, cwd: workspace, env });
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests.length).toBe(calls);
    expect(JSON.parse(again.stdout).recommendation.strategy).toBe('rag');
  });

  it('--judge: correctness is model-judged against the references and drives the recommendation', async () => {
    /** The judge grades "correct" exactly when the graded answer is a reference; it writes the question back as its generated questions. */
    const judge = (request: RecordedRequest): ScriptedReply => {
      const body = request.body as { model?: string; response_format?: { json_schema?: { name?: string } }; messages: Array<{ role: string; content: string }> };
      if (body.model !== 'judge-model') return examinee(request);
      const user = body.messages.at(-1)!.content;
      const task = body.response_format?.json_schema?.name;
      const content =
        task === 'answer_correctness_verdict'
          ? { reason: 'scripted', verdict: QUESTIONS.some((item) => user.endsWith(`待评答案：\n${item.reference}`)) ? 'correct' : 'incorrect' }
          : { questions: ['q', 'q', 'q'], noncommittal: 0 };
      return { json: { id: 'judge', object: 'chat.completion', created: 0, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(content) }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } } };
    };
    await server.close();
    server = await startScriptedOpenAIServer();
    server.enqueue('/v1/chat/completions', ...Array.from({ length: 200 }, () => judge));
    env = { ...env, HANGJIA_BASE_URL: server.baseURL };
    const workspace = temporaryDirectory();
    const file = path.join(workspace, 'questions.jsonl');
    writeFileSync(file, QUESTIONS.map((item) => JSON.stringify(item)).join('\n') + '\n');
    const args = ['eval', 'compare', file, '--strategies', 'zero-shot', '--endpoint', `ft=${server.baseURL},ft-model`, '--judge', '--judge-model', 'judge-model', '--out', path.join(workspace, 'report'), '--json', '--quiet'];
    const run = await runCliCaptured(args, { home, cwd: workspace, env });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { measure: string; judge: { modelId: string }; strategies: Row[]; recommendation: { strategy: string; statement: string } };
    expect(result).toMatchObject({ measure: 'judgedCorrectness', judge: { modelId: 'judge-model' } });
    const rows = Object.fromEntries(result.strategies.map((row) => [row.name, row]));
    expect(rows['zero-shot']!.metrics['judgedCorrectness']).toMatchObject({ items: 7, mean: 0 });
    expect(rows['ft']!.metrics['judgedCorrectness']).toMatchObject({ items: 7, mean: 1, confidenceInterval: [1, 1] });
    // ft's interval lies wholly above the best prompt-only strategy's, so it is judged, and it is best.
    expect(result.recommendation.strategy).toBe('ft');
    expect(result.recommendation.statement).toContain('judged correctness 1.000 [1.000, 1.000]');
    const graded = server.requests.filter((request) => (request.body as { response_format?: { json_schema?: { name?: string } } }).response_format?.json_schema?.name === 'answer_correctness_verdict');
    expect(graded).toHaveLength(14);
  });

  it('tells an exam from a question set by its first line, refusing --judge on an exam and --general on a question set', async () => {
    const workspace = temporaryDirectory();
    const exam = path.join(workspace, 'exam.jsonl');
    writeFileSync(exam, `${JSON.stringify({ id: '1', subject: 'law', question: '试用期最长多久？', choices: { A: '六个月', B: '一年' }, answer: 'A' })}\n`);
    const judged = await runCliCaptured(['eval', 'compare', exam, '--strategies', 'zero-shot', '--judge'], { home, cwd: workspace, env });
    expect(judged.code).toBe(2);
    expect(judged.stderr).toContain('--judge grades free-form answers against references');
    const questions = path.join(workspace, 'questions.jsonl');
    writeFileSync(questions, QUESTIONS.map((item) => JSON.stringify(item)).join('\n') + '\n');
    const general = await runCliCaptured(['eval', 'compare', questions, '--strategies', 'zero-shot', '--endpoint', `ft=${server.baseURL},ft-model`, '--general', exam], { home, cwd: workspace, env });
    expect(general.code).toBe(2);
    expect(general.stderr).toContain('--general (the forgetting check) takes an exam');
  });

  it('--rerank: the RAG strategies answer from reranked passages, and the run records the reranker', async () => {
    const sources = temporaryDirectory();
    writeFiles(sources, Object.fromEntries(QUESTIONS.slice(0, 6).map((item) => [`${item.id}.md`, `# ${item.question}\n\n${item.reference}\n`])));
    expect((await runCliCaptured(['kb', 'create', 'law', sources, '--quiet'], { home, env })).code).toBe(0);
    const workspace = temporaryDirectory();
    const file = path.join(workspace, 'questions.jsonl');
    writeFileSync(file, QUESTIONS.map((item) => JSON.stringify(item)).join('\n') + '\n');
    const out = path.join(workspace, 'report');
    const run = await runCliCaptured(['eval', 'compare', file, '--kb', 'law', '--strategies', 'rag', '--out', out, '--json', '--quiet', '--rerank', 'http'], { home, cwd: workspace, env: { ...env, HANGJIA_RERANK_BASE_URL: server.baseURL } });
    expect(run.code, run.stderr).toBe(0);
    const reranked = server.requests.filter((request) => request.path === '/v1/rerank');
    // Every question is searched once, the out-of-domain one included (it is refused after retrieval).
    expect(reranked.map((request) => (request.body as { query: string }).query).sort()).toEqual(QUESTIONS.map((item) => item.question).sort());
    const runConfig = JSON.parse(readFileSync(path.join(out, 'runs', 'rag', 'run.json'), 'utf8')) as { answering: { baseURL: string; settings: { rerank: unknown } } };
    expect(runConfig.answering.settings.rerank).toEqual({ reranker: `http:${server.baseURL}/rerank`, topN: 20 });
    // The endpoint is recorded with the model name, so another endpoint serving the same name does not resume this run.
    expect(runConfig.answering.baseURL).toBe(server.baseURL);
    const rag = (JSON.parse(run.stdout) as { strategies: Row[] }).strategies[0]!;
    // Reranking keeps each question's own passage in the prompt: the same six exact answers and one refusal as without it.
    expect(rag.metrics['characterF1']!.mean).toBeCloseTo((6 + characterF1('知识库中没有涉及这个问题的内容。', QUESTIONS[6]!.reference)) / 7, 12);
  });
});
