/**
 * `hangjia eval rag --kb <name>` end to end: a knowledge base built by `kb create` from the
 * four-article handbook, questions answered through the real retrieval and answer stages by a
 * model on the scripted OpenAI-compatible server (or extractively, without one), then scored by
 * the lexical evaluator into a run directory. Every number asserted below is worked out by hand
 * in the comments; the retrieval order it depends on is what `hangjia search` prints for the same
 * questions, which the first test checks too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatStreamEvents, HANDBOOK } from '../../src/answer/__fixtures__/handbook.js';
import { lastUserMessage } from '../../src/eval/exam/__fixtures__/scripted-examinee.js';
import { runCliCaptured } from '../support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer, type ScriptedReply } from '../support/scripted-openai-server.js';
import { expectStoppedBySignal, interruptDuringReply, stopListenerCounts } from '../support/stop-signal.js';
import { useTemporaryDirectories, writeFiles } from '../support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

/** Every metric at its best: an answer that is the reference, quoted from its one source and cited to it. */
const PERFECT_SCORES = {
  faithfulness: 1,
  contextPrecision: 1,
  contextRecall: 1,
  citationPrecision: 1,
  citedSentenceAccuracy: 1,
  citationCoverage: 1,
  exactMatch: 1,
  characterF1: 1,
  rougeL: 1,
};

const PROBATION = '试用期最长多久？';
const LEAVE = '年休假有几天？';
const PARAPHRASE = '新人最多要观察多长时间？';

/** Three articles on probation, long enough that a 256-token source budget cannot hold them all. */
const RULES = `# 试用期细则

## 第一条 试用期长度

新员工的试用期按劳动合同期限确定。合同期限不满一年的，试用期不超过一个月。合同期限一年以上不满三年的，试用期不超过二个月。合同期限三年以上的，试用期不超过六个月。同一员工只能约定一次试用期。试用期包含在劳动合同期限内。以完成一定工作任务为期限的合同不得约定试用期。

## 第二条 试用期考核

试用期考核由直属主管负责。考核在试用期满前十日完成。考核内容包括工作业绩和工作态度。考核结果分为合格和不合格两档。考核不合格的，公司可以解除劳动合同。考核结果须书面告知员工本人。员工对考核结果有异议的，可以向人力资源部申诉。

## 第三条 试用期培训

试用期内员工须参加入职培训。入职培训由人力资源部统一组织。培训时长不少于十六个学时。培训内容包括公司制度和安全规范。未完成培训的员工不得转正。培训费用由公司承担。培训结束后员工须通过书面考试。
`;

/**
 * The scripted reply to "试用期有哪些规定？" over RULES: one sentence from each article, each cited
 * to its retrieval rank — [1] 第一条 (sent whole), [2] 第三条 (sent without its last two sentences,
 * where this one is), [3] 第二条 (not sent: the answer stage removes the marker).
 */
const RULES_REPLY = ['合同期限三年以上的，试用期不超过六个月[1]。', '培训费用由公司承担[2]。', '考核结果分为合格和不合格两档[3]。'];

/**
 * What the scripted model writes, by question. Default k is 5; the handbook has four chunks.
 * - PROBATION retrieves [1] 第三条 (试用期工资), [2] 第二条 (试用期), [3] 第四条 (解除). The reply
 *   cites the probation limit to [2] (right), quotes 第三条 but cites [3] (wrong: 第四条 is about
 *   dismissal), and ends with an invented, uncited sentence whose marker [7] points at no source
 *   (the answer stage removes it).
 * - LEAVE retrieves [1] 第五条 (年休假), [2] 第二条; the reply quotes 第五条 and cites [1].
 */
const REPLIES: Record<string, string[]> = {
  [PROBATION]: ['试用期不得超过六个月[2]。', '试用期的工资不得低于本单位相同岗位最低档工资的百分之八十[3]。', '公司报销往返机票[7]。'],
  [LEAVE]: ['员工累计工作满一年不满十年的，', '年休假五天[1]。'],
};

/** Streams the scripted reply to whichever question the prompt asks (the prompt ends "问题：<question>"). */
function replyToQuestion(request: RecordedRequest): ScriptedReply {
  const question = /问题：(.+)$/u.exec(lastUserMessage(request))?.[1];
  const pieces = question === undefined ? undefined : REPLIES[question];
  if (pieces === undefined) throw new Error(`unscripted question: ${question}`);
  return { events: chatStreamEvents(pieces) };
}

interface ScoresLine {
  id: string;
  sample: {
    id: string;
    question: string;
    answer: string;
    contexts: string[];
    reference?: string;
    refusal?: string;
    passages?: { retrieved: number; dropped: number[]; truncated: number[] };
    work?: { strategy: string; steps: number; tokens: number; evidenceRecall: number | null };
  };
  scores: Record<string, number | null>;
}

/** The numbered passages of a prompt as the model received them: `[n] header\ntext` blocks between 资料： and 问题：. */
function promptPassages(request: RecordedRequest): string[] {
  const user = lastUserMessage(request);
  const block = /^资料：\n([\s\S]*)\n\n问题：/u.exec(user)?.[1];
  if (block === undefined) throw new Error(`no sources in the prompt: ${user}`);
  return block.split(/\n\n(?=\[\d+\] )/u).map((source) => source.slice(source.indexOf('\n') + 1));
}

const readScores = (runDirectory: string): ScoresLine[] =>
  readFileSync(path.join(runDirectory, 'scores.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ScoresLine);

describe('hangjia eval rag --kb, end to end', () => {
  let server: ScriptedOpenAIServer;
  let home: string;
  let set: string;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
    home = temporaryDirectory();
    const sources = temporaryDirectory();
    writeFiles(sources, { 'handbook.md': HANDBOOK });
    const created = await runCliCaptured(['kb', 'create', 'hr', sources, '--quiet'], { home });
    expect(created.code, created.stderr).toBe(0);
    // The evaluation set as `eval rag --kb` reads it: questions and references, no answers or contexts.
    set = path.join(home, 'hr-rag.jsonl');
    writeFileSync(
      set,
      `${[
        { id: 'probation', question: PROBATION, reference: '试用期不得超过六个月。' },
        { id: 'leave', question: LEAVE, reference: '员工累计工作满一年不满十年的，年休假五天。' },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n')}\n`,
    );
  });
  afterEach(async () => {
    await server.close();
  });
  const modelEnv = (): NodeJS.ProcessEnv => ({ HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' });

  it('answers from the knowledge base, scores what was retrieved and cited, saves the run, and resumes it', async () => {
    server.enqueue('/v1/chat/completions', replyToQuestion, replyToQuestion);
    const run = await runCliCaptured(['eval', 'rag', set, '--kb', 'hr', '--json'], { home, cwd: home, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('answers from knowledge base "hr"');
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    const result = JSON.parse(run.stdout);
    const runDirectory = path.join(home, 'runs', 'rag.hr-rag.lexical.kb-hr');
    expect(result).toMatchObject({ variant: 'lexical', runDirectory, complete: true, failure: null, resumedItems: 0, evaluatedItems: 2 });

    // The contexts scored are the passages of the prompt; all of them fit the default budget, so
    // they are the knowledge base's chunks, in the order `hangjia search` ranks them for the same
    // question (so `[n]` in the answer and contexts[n - 1] are the same passage).
    const records = readScores(runDirectory);
    expect(records.map((record) => record.id)).toEqual(['probation', 'leave']);
    for (const record of records) {
      const search = await runCliCaptured(['search', 'hr', record.sample.question, '--json'], { home });
      expect(search.code, search.stderr).toBe(0);
      expect(record.sample.contexts).toEqual(JSON.parse(search.stdout).hits.map((hit: { text: string }) => hit.text));
    }
    const [probation, leave] = records as [ScoresLine, ScoresLine];
    expect(probation.sample.contexts.map((context) => context.split('\n')[0])).toEqual(['### 第三条 试用期工资', '### 第二条 试用期', '### 第四条 解除']);
    expect(leave.sample.contexts.map((context) => context.split('\n')[0])).toEqual(['### 第五条 年休假', '### 第二条 试用期']);
    // What is scored is the answer as `ask` shows it: the dangling [7] is gone.
    expect(probation.sample.answer).toBe('试用期不得超过六个月[2]。试用期的工资不得低于本单位相同岗位最低档工资的百分之八十[3]。公司报销往返机票。');
    expect(leave.sample.answer).toBe('员工累计工作满一年不满十年的，年休假五天[1]。');

    // probation: three claims; the first two are verbatim in the contexts, "公司报销往返机票" is
    // nowhere → faithfulness 2/3. Two citations: [2] holds its sentence, [3] (dismissal) does not
    // hold the wage sentence → precision 1/2, cited-sentence accuracy 1/2; two of three sentences
    // cite → coverage 2/3. Only [2] supports the reference (第三条 shares just 试用期 and 不得, below
    // half the weight) → context precision (1/2) / 1 = 1/2; the reference is in [2] → recall 1.
    // Reference metrics on the answer without markers (46 characters: 10 + 28 + 8) against the
    // 10-character reference, all of which it contains in order: F1 = ROUGE-L = 2·10 / (46 + 10) = 5/14.
    expect(probation.scores).toMatchObject({
      faithfulness: 2 / 3,
      contextPrecision: 1 / 2,
      contextRecall: 1,
      citationPrecision: 1 / 2,
      citedSentenceAccuracy: 1 / 2,
      citationCoverage: 2 / 3,
      exactMatch: 0,
      characterF1: 5 / 14,
      rougeL: 5 / 14,
    });
    // leave: one claim, verbatim in [1] and cited to [1]; the answer is the reference → all 1.
    // Only the first of two contexts is relevant and it ranks first → context precision 1.
    expect(leave.scores).toMatchObject(PERFECT_SCORES);
    // Every passage fit the default budget (3000 tokens): nothing dropped or cut, nothing refused.
    expect(result.items).toEqual(records.map((record) => ({ id: record.id, scores: record.scores, refusal: null, passages: record.sample.passages, work: record.sample.work })));
    expect(probation.sample.passages).toEqual({ retrieved: 3, dropped: [], truncated: [] });
    expect(result.summary).toMatchObject({ refusals: { items: 0, rate: 0, byReason: { 'evidence-threshold': 0, model: 0 } }, budgetLimited: { items: 0, rate: 0 } });
    const { metrics } = result.summary;
    expect(metrics.faithfulness).toMatchObject({ items: 2, mean: (2 / 3 + 1) / 2 });
    expect(metrics.citationPrecision).toMatchObject({ items: 2, mean: 3 / 4 });
    expect(metrics.citationCoverage.mean).toBeCloseTo(5 / 6, 12);
    expect(metrics.contextPrecision).toMatchObject({ items: 2, mean: 3 / 4 });
    expect(metrics.exactMatch).toMatchObject({ items: 2, mean: 1 / 2, confidenceInterval: [0, 1] });
    expect(metrics.characterF1.mean).toBeCloseTo(19 / 28, 12);

    // The run directory: provenance in run.json, the summary as printed in summary.json.
    expect(JSON.parse(readFileSync(path.join(runDirectory, 'run.json'), 'utf8'))).toMatchObject({
      formatVersion: 1,
      evaluator: { variant: 'lexical', supportThreshold: 0.5 },
      answering: { knowledgeBase: 'hr', model: { provider: 'openai-compatible', modelId: 'scripted-model' }, k: 5 },
      seed: 0,
    });
    expect(JSON.parse(readFileSync(path.join(runDirectory, 'summary.json'), 'utf8'))).toEqual({ config: result.config, complete: true, failure: null, summary: result.summary });

    // The same command again asks the model nothing and prints the same numbers.
    const again = await runCliCaptured(['eval', 'rag', set, '--kb', 'hr'], { home, cwd: home, env: modelEnv() });
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(again.stderr).toContain(`Resumed: 2 items were already scored in ${runDirectory}.`);
    expect(again.stdout).toContain('citationPrecision          2  0.7500  ');
    expect(again.stdout).toContain('exactMatch                 2  0.5000  [0.0000, 1.0000]');
    expect(again.stdout).toContain('refused     0 of 2 items (0.0%)\n');
    expect(again.stdout).not.toContain('budget ');
  });

  it('scores the passages as the prompt gave them to the model, not every retrieved hit, when the token budget drops and cuts some', async () => {
    // Three articles of about 120 tokens each, all about 试用期, so a question on 试用期 retrieves all
    // three. model.contextSize 1792 leaves the sources 1792 − 1024 (maxTokens) − 512 = 256 tokens:
    // the first passage fits whole, the second is cut after its fifth sentence, the third is dropped.
    const sources = temporaryDirectory();
    writeFiles(sources, { 'rules.md': RULES });
    const created = await runCliCaptured(['kb', 'create', 'rules', sources, '--quiet'], { home });
    expect(created.code, created.stderr).toBe(0);
    const question = '试用期有哪些规定？';
    const rulesSet = path.join(home, 'rules-rag.jsonl');
    writeFileSync(rulesSet, `${JSON.stringify({ id: 'rules', question, reference: '合同期限三年以上的，试用期不超过六个月。' })}\n`);
    writeFileSync(path.join(home, 'hangjia.config.json'), JSON.stringify({ model: { contextSize: 1792 } }));
    server.enqueue('/v1/chat/completions', { events: chatStreamEvents(RULES_REPLY) });
    const runDirectory = path.join(home, 'budget');
    const run = await runCliCaptured(['eval', 'rag', rulesSet, '--kb', 'rules', '--run-dir', runDirectory, '--json'], { home, cwd: home, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    expect(server.requests).toHaveLength(1);

    const search = await runCliCaptured(['search', 'rules', question, '--json'], { home });
    const hits: string[] = JSON.parse(search.stdout).hits.map((hit: { text: string }) => hit.text);
    expect(hits.map((hit) => hit.split('\n')[0])).toEqual(['## 第一条 试用期长度', '## 第三条 试用期培训', '## 第二条 试用期考核']);
    const [record] = readScores(runDirectory) as [ScoresLine];
    // The contexts scored are the passages of the prompt the model received — 第一条 whole, 第三条
    // without its last two sentences — not the three hits retrieved.
    const sent = promptPassages(server.requests[0]!);
    expect(record.sample.contexts).toEqual(sent);
    expect(sent).toEqual([hits[0], hits[1]!.slice(0, hits[1]!.indexOf('培训费用由公司承担。'))]);
    expect(record.sample.passages).toEqual({ retrieved: 3, dropped: [3], truncated: [2] });
    expect(record.sample.answer).toBe('合同期限三年以上的，试用期不超过六个月[1]。培训费用由公司承担[2]。考核结果分为合格和不合格两档。');
    // Three claims, each verbatim in one retrieved article, but only the first in what the model
    // was given: 培训费用… is in the cut-off tail of [2], 考核结果… in the dropped 第二条 → faithfulness
    // 1/3 (every hit would have made it 1). [1] holds its sentence, [2] as sent does not → precision
    // and cited-sentence accuracy 1/2; two of three sentences cite → coverage 2/3. The reference is
    // in [1], [2] does not hold it → context precision 1, recall 1.
    expect(record.scores).toMatchObject({
      faithfulness: 1 / 3,
      contextPrecision: 1,
      contextRecall: 1,
      citationPrecision: 1 / 2,
      citedSentenceAccuracy: 1 / 2,
      citationCoverage: 2 / 3,
      exactMatch: 0,
    });
    const result = JSON.parse(run.stdout);
    expect(result.items[0]).toMatchObject({ id: 'rules', refusal: null, passages: { retrieved: 3, dropped: [3], truncated: [2] } });
    expect(result.summary).toMatchObject({ budgetLimited: { items: 1, rate: 1 }, refusals: { items: 0 } });
    expect(result.config.answering).toMatchObject({ model: { contextSize: 1792 }, contexts: 'as-prompted' });

    const again = await runCliCaptured(['eval', 'rag', rulesSet, '--kb', 'rules', '--run-dir', runDirectory], { home, cwd: home, env: modelEnv() });
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(again.stdout).toContain('faithfulness               1  0.3333  [0.3333, 0.3333]');
    expect(again.stdout).toContain("budget      1 of 1 items had retrieved passages dropped or cut by the prompt's token budget; their contexts are the passages as the model saw them");
  });

  it('leaves a refusal out of faithfulness and the citation metrics, scores it 0 for answer relevancy and against the reference, and counts it', async () => {
    // "新人最多要观察多长时间？" asks about the probation limit without one word of the handbook's:
    // its evidence is 0, below the threshold 0.35, so hangjia refuses without calling the model.
    const refusalSet = path.join(home, 'refusal.jsonl');
    writeFileSync(
      refusalSet,
      `${[
        { id: 'paraphrase', question: PARAPHRASE, reference: '试用期不得超过六个月。' },
        { id: 'leave', question: LEAVE, reference: '员工累计工作满一年不满十年的，年休假五天。' },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n')}\n`,
    );
    server.enqueue('/v1/chat/completions', replyToQuestion);
    const runDirectory = path.join(home, 'refusal');
    const args = ['eval', 'rag', refusalSet, '--kb', 'hr', '--run-dir', runDirectory];
    const run = await runCliCaptured([...args, '--json'], { home, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    // Only leave reached the model.
    expect(server.requests.map((request) => /问题：(.+)$/u.exec(lastUserMessage(request))?.[1])).toEqual([LEAVE]);
    const [paraphrase, leave] = readScores(runDirectory) as [ScoresLine, ScoresLine];
    expect(paraphrase.sample).toMatchObject({ answer: '知识库中没有涉及这个问题的内容。', refusal: 'evidence-threshold', passages: { retrieved: 1, dropped: [], truncated: [] } });
    expect(leave.sample.refusal).toBeUndefined();
    // No prompt was built for the refusal: its contexts are the hits the evidence check judged
    // (one, 第三条 on wages), so context recall can tell a wrong refusal from a retrieval miss.
    const search = await runCliCaptured(['search', 'hr', PARAPHRASE, '--json'], { home });
    expect(paraphrase.sample.contexts).toEqual(JSON.parse(search.stdout).hits.map((hit: { text: string }) => hit.text));
    expect(paraphrase.sample.contexts.map((context) => context.split('\n')[0])).toEqual(['### 第三条 试用期工资']);

    // paraphrase: a refusal makes no claims, so faithfulness and the citation metrics do not apply
    // (null), and answer relevancy is 0 (RAGAS: noncommittal). 第三条 shares only 试用期 and 不得 with
    // the reference, below half its weight → context precision 0, recall 0. Against the reference
    // the refusal is wrong: EM 0; of its 15 characters (知识库中没有涉及这个问题的内容) only 个
    // is among the reference's 10 (试用期不得超过六个月) → character F1 = ROUGE-L = 2·1 / (15 + 10) = 2/25.
    expect(paraphrase.scores).toEqual({
      faithfulness: null,
      answerRelevancy: 0,
      contextPrecision: 0,
      contextRecall: 0,
      citationPrecision: null,
      citedSentenceAccuracy: null,
      citationCoverage: null,
      exactMatch: 0,
      characterF1: 2 / 25,
      rougeL: 2 / 25,
    });
    // leave: as in the first test, the answer is the reference, quoted from [1] and cited to it.
    expect(leave.scores).toMatchObject(PERFECT_SCORES);

    // Means over the items where a metric applies: faithfulness and citations over leave alone;
    // the rest over both.
    const result = JSON.parse(run.stdout);
    expect(result.items.map((item: { id: string; refusal: string | null }) => [item.id, item.refusal])).toEqual([
      ['paraphrase', 'evidence-threshold'],
      ['leave', null],
    ]);
    const { metrics, refusals } = result.summary;
    expect(refusals).toEqual({ items: 1, rate: 1 / 2, byReason: { 'evidence-threshold': 1, model: 0 } });
    for (const name of ['faithfulness', 'citationPrecision', 'citedSentenceAccuracy', 'citationCoverage']) {
      expect(metrics[name], name).toEqual({ items: 1, mean: 1, confidenceInterval: [1, 1] });
    }
    expect(metrics.answerRelevancy).toMatchObject({ items: 2, mean: leave.scores.answerRelevancy! / 2 });
    expect(metrics.contextPrecision).toMatchObject({ items: 2, mean: 1 / 2 });
    expect(metrics.contextRecall).toMatchObject({ items: 2, mean: 1 / 2 });
    expect(metrics.exactMatch).toMatchObject({ items: 2, mean: 1 / 2 });
    expect(metrics.characterF1).toMatchObject({ items: 2, mean: (1 + 2 / 25) / 2 });
    expect(metrics.rougeL).toMatchObject({ items: 2, mean: (1 + 2 / 25) / 2 });

    // Resumed from scores.jsonl, the table says the same: one item where faithfulness applies, and the refusal counted.
    const again = await runCliCaptured(args, { home, env: modelEnv() });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('Resumed: 2 items were already scored');
    expect(server.requests).toHaveLength(1);
    expect(again.stdout).toContain('faithfulness               1  1.0000  [1.0000, 1.0000]');
    expect(again.stdout).toContain('characterF1                2  0.5400  [0.0800, 1.0000]');
    expect(again.stdout).toContain('refused     1 of 2 items (50.0%): evidence threshold 1, model 0; no claims, so left out of faithfulness and the citation metrics');
  });

  it('scores an extractive answer (no model) on its quotes, not on the label that introduces them', async () => {
    const runDirectory = path.join(home, 'extractive');
    const run = await runCliCaptured(['eval', 'rag', set, '--kb', 'hr', '--limit', '2', '--run-dir', runDirectory, '--json'], { home });
    expect(run.code, run.stderr).toBe(0);
    expect(server.requests).toHaveLength(0);
    const leave = readScores(runDirectory).find((record) => record.id === 'leave')!;
    // `ask` prints 【抽取式回答】… above the quotes; that line is framing, not a claim. Scored with
    // the answer it ran into the first quote and made a verbatim quote look unsupported (0.5).
    expect(leave.sample.answer).toBe('员工累计工作满一年不满十年的，年休假五天；[1]\n满十年不满二十年的，年休假十天。[1]');
    // Two quoted sentences of [1], each cited to [1].
    expect(leave.scores).toMatchObject({ faithfulness: 1, citationPrecision: 1, citedSentenceAccuracy: 1, citationCoverage: 1, contextRecall: 1 });
    // Without a model, the model's settings (temperature, …) are not recorded: they changed nothing.
    expect(JSON.parse(readFileSync(path.join(runDirectory, 'run.json'), 'utf8')).answering).toEqual({
      knowledgeBase: 'hr',
      knowledgeBaseGeneration: 1,
      model: 'extractive',
      k: 5,
      evidenceThreshold: 0.35,
      search: { mode: 'auto', lexicalWeight: 1, vectorWeight: 1, rrfK: 60 },
      lexical: { k1: 1.2, titleWeight: 1.5, headingsWeight: 1.5, groupWeight: 0.2, topicWeight: 0.8, citationWeight: 0.2 },
      embeddingModel: null,
      contexts: 'as-prompted',
    });
  });

  it('--k and --mode reach the answering step and its recorded settings', async () => {
    const runDirectory = path.join(home, 'one-passage');
    const run = await runCliCaptured(['eval', 'rag', set, '--kb', 'hr', '--k', '1', '--mode', 'lexical', '--limit', '2', '--run-dir', runDirectory], { home });
    expect(run.code, run.stderr).toBe(0);
    for (const record of readScores(runDirectory)) expect(record.sample.contexts).toHaveLength(1);
    expect(JSON.parse(readFileSync(path.join(runDirectory, 'run.json'), 'utf8')).answering).toMatchObject({ k: 1, search: { mode: 'lexical' } });
  });

  it('--threshold is the support threshold of the lexical judge, not the evidence threshold of the answers', async () => {
    // Evidence for either question is below 0.99 (see ask.test.ts), so had --threshold reached the
    // answer stage, both would be refused without a model call.
    server.enqueue('/v1/chat/completions', replyToQuestion, replyToQuestion);
    const runDirectory = path.join(home, 'strict');
    const run = await runCliCaptured(['eval', 'rag', set, '--kb', 'hr', '--threshold', '0.99', '--run-dir', runDirectory, '--json'], { home, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(readScores(runDirectory).find((record) => record.id === 'leave')!.sample.answer).toBe('员工累计工作满一年不满十年的，年休假五天[1]。');
    expect(JSON.parse(run.stdout).config.evaluator).toMatchObject({ supportThreshold: 0.99 });
  });

  it('fails an item whose answer stream breaks, instead of scoring half an answer, and answers it again on resume', async () => {
    const runDirectory = path.join(home, 'broken');
    const args = ['eval', 'rag', set, '--kb', 'hr', '--concurrency', '1', '--run-dir', runDirectory, '--json'];
    // The first answer's connection drops after its first sentence, once text has arrived (so the
    // client does not retry). destroy() discards unflushed writes: the delay lets the first piece through.
    server.enqueue('/v1/chat/completions', (request) => ({ ...replyToQuestion(request), eventDelayMs: 20, dropAfterEvents: 2 }));
    const broken = await runCliCaptured(args, { home, env: modelEnv() });
    expect(broken.code).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(broken.stderr).toContain('Error: scoring probation failed: ');
    expect(broken.stderr).toContain(`[E_PROVIDER_STREAM]. 0 scored items are saved in ${runDirectory}; run the same command again to resume.`);
    expect(JSON.parse(broken.stdout)).toMatchObject({ complete: false, failure: { id: 'probation', code: 'E_PROVIDER_STREAM' }, evaluatedItems: 0 });
    expect(readScores(runDirectory)).toEqual([]);

    server.enqueue('/v1/chat/completions', replyToQuestion, replyToQuestion);
    const resumed = await runCliCaptured(args, { home, env: modelEnv() });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(server.requests).toHaveLength(3);
    expect(readScores(runDirectory).map((record) => [record.id, record.scores.faithfulness])).toEqual([
      ['probation', 2 / 3],
      ['leave', 1],
    ]);
  });

  it('records every setting that changes the answers; a resume with one changed fails naming it, with the same settings it resumes', async () => {
    const runDirectory = path.join(home, 'settings');
    const args = ['eval', 'rag', set, '--kb', 'hr', '--concurrency', '1', '--run-dir', runDirectory, '--json'];
    server.enqueue('/v1/chat/completions', replyToQuestion);
    const first = await runCliCaptured([...args, '--limit', '1'], { home, env: modelEnv() });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(runDirectory, 'run.json'), 'utf8')).answering).toEqual({
      knowledgeBase: 'hr',
      knowledgeBaseGeneration: 1,
      model: { provider: 'openai-compatible', modelId: 'scripted-model', source: server.baseURL, contextSize: null, temperature: 0.2, maxTokens: 1024 },
      k: 5,
      evidenceThreshold: 0.35,
      search: { mode: 'auto', lexicalWeight: 1, vectorWeight: 1, rrfK: 60 },
      lexical: { k1: 1.2, titleWeight: 1.5, headingsWeight: 1.5, groupWeight: 0.2, topicWeight: 0.8, citationWeight: 0.2 },
      embeddingModel: null,
      contexts: 'as-prompted',
    });

    // Each of these would change the answers still to be made: the run refuses to mix them in,
    // names the setting, and asks the model nothing.
    const threshold = await runCliCaptured(args, { home, env: { ...modelEnv(), HANGJIA_EVIDENCE_THRESHOLD: '0.2' } });
    expect(threshold.code).toBe(2);
    expect(threshold.stderr).toContain(`Error: The run directory ${runDirectory} holds a run with answering.evidenceThreshold 0.35, but this run has 0.2: its answers cannot be resumed into this run. Resume with the same settings, or choose another run directory. [E_USAGE]`);
    // Another server under the same model name is another model (issue 11).
    const elsewhere = await runCliCaptured(args, { home, env: { ...modelEnv(), HANGJIA_BASE_URL: 'http://127.0.0.1:9/v1' } });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(`holds a run with answering.model.source ${JSON.stringify(server.baseURL)}, but this run has "http://127.0.0.1:9/v1"`);
    const configured = temporaryDirectory();
    writeFileSync(path.join(configured, 'hangjia.config.json'), JSON.stringify({ model: { temperature: 0.7 }, search: { mode: 'lexical' } }));
    const temperature = await runCliCaptured(args, { home, cwd: configured, env: modelEnv() });
    expect(temperature.code).toBe(2);
    expect(temperature.stderr).toContain('holds a run with answering.model.temperature 0.2, but this run has 0.7:');
    writeFileSync(path.join(configured, 'hangjia.config.json'), JSON.stringify({ search: { mode: 'lexical' } }));
    const mode = await runCliCaptured(args, { home, cwd: configured, env: modelEnv() });
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('holds a run with answering.search.mode "auto", but this run has "lexical":');
    writeFileSync(path.join(configured, 'hangjia.config.json'), JSON.stringify({ search: { titleWeight: 0 } }));
    const titles = await runCliCaptured(args, { home, cwd: configured, env: modelEnv() });
    expect(titles.code).toBe(2);
    expect(titles.stderr).toContain('holds a run with answering.lexical.titleWeight 1.5, but this run has 0:');
    expect(server.requests).toHaveLength(1);

    // The same settings again: the answered item is kept, the other one asked.
    server.enqueue('/v1/chat/completions', replyToQuestion);
    const resumed = await runCliCaptured(args, { home, env: modelEnv() });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ complete: true, resumedItems: 1, evaluatedItems: 1 });
    expect(server.requests.map((request) => /问题：(.+)$/u.exec(lastUserMessage(request))?.[1])).toEqual([PROBATION, LEAVE]);
    expect(readScores(runDirectory).map((record) => record.id)).toEqual(['probation', 'leave']);
  });

  it('Ctrl-C keeps the scored items, exits 130 saying how to resume, and the same command answers only the rest', async () => {
    const runDirectory = path.join(home, 'interrupted');
    const args = ['eval', 'rag', set, '--kb', 'hr', '--concurrency', '1', '--run-dir', runDirectory, '--json'];
    // probation answered and scored, then Ctrl-C while the model answers leave.
    const interrupt = interruptDuringReply('SIGINT', replyToQuestion);
    const { before } = interrupt;
    server.enqueue('/v1/chat/completions', replyToQuestion, interrupt.step);
    const interrupted = await runCliCaptured(args, { home, env: modelEnv() });
    expectStoppedBySignal(interrupted, interrupt, 'SIGINT', `1 scored items are saved in ${runDirectory}`);
    expect(JSON.parse(interrupted.stdout)).toMatchObject({
      complete: false,
      failure: { id: 'leave', code: 'E_ABORTED', message: 'Interrupted by SIGINT.', isRetryable: true },
      evaluatedItems: 1,
      summary: { evaluated: 1, pending: 1 },
    });
    expect(server.requests).toHaveLength(2);
    expect(readScores(runDirectory).map((record) => record.id)).toEqual(['probation']);

    // The same command again asks the model about leave only.
    server.enqueue('/v1/chat/completions', replyToQuestion);
    const resumed = await runCliCaptured(args, { home, env: modelEnv() });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(server.requests.slice(2).map((request) => /问题：(.+)$/u.exec(lastUserMessage(request))?.[1])).toEqual([LEAVE]);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ complete: true, failure: null, resumedItems: 1, evaluatedItems: 1 });
    expect(readScores(runDirectory).map((record) => [record.id, record.scores.faithfulness])).toEqual([
      ['probation', 2 / 3],
      ['leave', 1],
    ]);
    expect(stopListenerCounts()).toEqual(before);
  });
});
