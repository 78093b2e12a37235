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
import { interruptDuringReply, stopListenerCounts } from '../support/stop-signal.js';
import { useTemporaryDirectories, writeFiles } from '../support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

const PROBATION = '试用期最长多久？';
const LEAVE = '年休假有几天？';

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
  sample: { id: string; question: string; answer: string; contexts: string[]; reference?: string };
  scores: Record<string, number | null>;
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

    // The contexts scored are the knowledge base's chunks, in the order `hangjia search` ranks them
    // for the same question (so `[n]` in the answer and contexts[n - 1] are the same passage).
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
    expect(leave.scores).toMatchObject({
      faithfulness: 1,
      contextPrecision: 1,
      contextRecall: 1,
      citationPrecision: 1,
      citedSentenceAccuracy: 1,
      citationCoverage: 1,
      exactMatch: 1,
      characterF1: 1,
      rougeL: 1,
    });
    expect(result.items).toEqual(records.map((record) => ({ id: record.id, scores: record.scores })));
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
      model: 'extractive',
      k: 5,
      evidenceThreshold: 0.35,
      search: { mode: 'auto', lexicalWeight: 1, vectorWeight: 1, rrfK: 60 },
      embeddingModel: null,
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
      model: { provider: 'openai-compatible', modelId: 'scripted-model', contextSize: null, temperature: 0.2, maxTokens: 1024 },
      k: 5,
      evidenceThreshold: 0.35,
      search: { mode: 'auto', lexicalWeight: 1, vectorWeight: 1, rrfK: 60 },
      embeddingModel: null,
    });

    // Each of these would change the answers still to be made: the run refuses to mix them in,
    // names the setting, and asks the model nothing.
    const threshold = await runCliCaptured(args, { home, env: { ...modelEnv(), HANGJIA_EVIDENCE_THRESHOLD: '0.2' } });
    expect(threshold.code).toBe(2);
    expect(threshold.stderr).toContain(`Error: The run directory ${runDirectory} holds a run with answering.evidenceThreshold 0.35, but this run has 0.2. Resume with the same settings, or choose another run directory. [E_USAGE]`);
    const configured = temporaryDirectory();
    writeFileSync(path.join(configured, 'hangjia.config.json'), JSON.stringify({ model: { temperature: 0.7 }, search: { mode: 'lexical' } }));
    const temperature = await runCliCaptured(args, { home, cwd: configured, env: modelEnv() });
    expect(temperature.code).toBe(2);
    expect(temperature.stderr).toContain('holds a run with answering.model.temperature 0.2, but this run has 0.7.');
    writeFileSync(path.join(configured, 'hangjia.config.json'), JSON.stringify({ search: { mode: 'lexical' } }));
    const mode = await runCliCaptured(args, { home, cwd: configured, env: modelEnv() });
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('holds a run with answering.search.mode "auto", but this run has "lexical".');
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
    expect(interrupt.during).toEqual({ SIGINT: before.SIGINT + 1, SIGTERM: before.SIGTERM + 1 });
    expect(stopListenerCounts()).toEqual(before);
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toContain(`Interrupted (SIGINT): 1 scored items are saved in ${runDirectory}; run the same command again to resume.`);
    expect(interrupted.stderr).not.toContain('Error:');
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
