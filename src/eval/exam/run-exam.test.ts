import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../analysis/index.js';
import { HangjiaError } from '../../errors/index.js';
import { createExamplePool, createExampleSelector } from '../../examples/index.js';
import { createLanguageModelFromConfig } from '../../presets/index.js';
import { createOpenAICompatibleChatModel } from '../../providers/index.js';
import { ensureTinyGguf } from '../../../test/fixtures/make-tiny-gguf.js';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { needsSharedDataset } from '../../../test/support/shared-dataset.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { alwaysA, answerFromKey, chatReply, createKeyLookup, lastUserMessage, scriptChat } from './__fixtures__/scripted-examinee.js';
import { examItemsToExamples, readExam, runExam, type ExamItem, type ExamProgress, type ExamRecord } from './index.js';

const cmmlu = needsSharedDataset('exams/cmmlu');
const temporaryDirectory = useTemporaryDirectories();

let subset: ExamItem[];
let dev: ExamItem[];
beforeAll(() => {
  if (!cmmlu.available) return;
  // Every 58th CMMLU test item: 200 items over 67 subjects, 51 of them keyed "A".
  subset = readExam(path.join(cmmlu.path, 'test.jsonl')).items.filter((_, index) => index % 58 === 0);
  dev = readExam(path.join(cmmlu.path, 'dev.jsonl')).items;
});

cmmlu.describe('runExam against a scripted endpoint', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });
  const model = () => createOpenAICompatibleChatModel({ baseURL: server.baseURL, model: 'scripted-model', maxRetries: 0 });

  it('scores exactly 1.0 when the model answers from the key, and writes every record as it goes', async () => {
    expect(subset).toHaveLength(200);
    scriptChat(server, answerFromKey(subset), 200);
    const runDirectory = temporaryDirectory();
    const progress: ExamProgress[] = [];
    const result = await runExam(subset, { model: model(), runDirectory, concurrency: 4, onProgress: (update) => progress.push(update) });
    expect(result.complete).toBe(true);
    expect(result.summary.overall).toMatchObject({ items: 200, correct: 200, accuracy: 1, confidenceInterval: [1, 1], unparseable: 0, macroAccuracy: 1 });
    expect(Object.keys(result.summary.subjects)).toHaveLength(67);
    expect(result.summary.usage).toEqual({ inputTokens: 200 * 100, outputTokens: 200 * 3 });
    expect(result.summary.extractionMethods).toEqual({ statement: 200 });
    expect(server.requests).toHaveLength(200);
    expect(progress.at(-1)).toEqual({ done: 200, total: 200, correct: 200, unparseable: 0 });

    const lines = readFileSync(path.join(runDirectory, 'answers.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ExamRecord);
    expect(lines).toHaveLength(200);
    const first = lines.find((record) => record.id === 'cmmlu-test-agronomy-0')!;
    expect(first).toMatchObject({ subject: 'agronomy', rotation: 0, output: '答案：B', extracted: ['B'], method: 'statement', expected: ['B'], correct: true, shots: [], inputTokens: 100, outputTokens: 3, finishReason: 'stop' });
    expect(first.prompt).toEqual([
      { role: 'system', content: '以下是中国关于agronomy考试的单项选择题，请选出其中的正确答案。请直接给出答案，格式为“答案：选项字母”。' },
      { role: 'user', content: '在农业生产中被当作极其重要的劳动对象发挥作用，最主要的不可替代的基本生产资料是\nA. 农业生产工具\nB. 土地\nC. 劳动力\nD. 资金' },
    ]);
    const config = JSON.parse(readFileSync(path.join(runDirectory, 'run.json'), 'utf8'));
    expect(config).toMatchObject({ formatVersion: 1, model: { provider: 'openai-compatible', modelId: 'scripted-model' }, template: 'auto', shots: 0, shotSelection: 'none', circular: false, temperature: 0, maxTokens: 128, seed: 0 });
    expect((server.requests[0]!.body as { temperature: number }).temperature).toBe(0);
  });

  it('scores an always-A model at exactly the share of items keyed A', async () => {
    scriptChat(server, alwaysA, 200);
    const result = await runExam(subset, { model: model(), runDirectory: temporaryDirectory(), concurrency: 8 });
    const keyedA = subset.filter((item) => item.answer.join('') === 'A').length;
    expect(keyedA).toBe(51);
    expect(result.summary.overall.correct).toBe(keyedA);
    expect(result.summary.overall.accuracy).toBe(keyedA / subset.length);
    const [lower, upper] = result.summary.overall.confidenceInterval!;
    expect(lower).toBeLessThan(keyedA / 200);
    expect(upper).toBeGreaterThan(keyedA / 200);
    expect(result.summary.extractionMethods).toEqual({ 'leading-letters': 200 });
  });

  it('circular evaluation: 1.0 from the key, 0 for always-A on items with two or more options', async () => {
    const items = subset.slice(0, 60);
    scriptChat(server, answerFromKey(items), 240);
    const keyed = await runExam(items, { model: model(), runDirectory: temporaryDirectory(), circular: true, concurrency: 4 });
    expect(server.requests).toHaveLength(240);
    expect(keyed.summary.overall).toMatchObject({ items: 60, correct: 60, accuracy: 1 });
    // Rotation 1 of agronomy-0 shows 土地 (the key B) at A.
    const rotated = keyed.records.find((record) => record.id === 'cmmlu-test-agronomy-0' && record.rotation === 1)!;
    expect(rotated.prompt.at(-1)!.content).toBe('在农业生产中被当作极其重要的劳动对象发挥作用，最主要的不可替代的基本生产资料是\nA. 土地\nB. 劳动力\nC. 资金\nD. 农业生产工具');
    expect(rotated).toMatchObject({ expected: ['A'], extracted: ['A'], correct: true });

    scriptChat(server, alwaysA, 240);
    const guesser = await runExam(items, { model: model(), runDirectory: temporaryDirectory(), circular: true, concurrency: 4 });
    expect(items.every((item) => Object.keys(item.choices).length >= 2)).toBe(true);
    expect(guesser.summary.overall).toMatchObject({ items: 60, correct: 0, accuracy: 0, confidenceInterval: [0, 0] });
    // Without rotation the same guesser would have scored its share of A keys.
    expect(guesser.records.filter((record) => record.rotation === 0 && record.correct).length).toBe(items.filter((item) => item.answer[0] === 'A').length);
  });

  it('stops on an endpoint failure, keeps what finished, and resumes without asking a finished item again', async () => {
    scriptChat(server, answerFromKey(subset), 50);
    scriptChat(server, { status: 400, json: { error: { message: 'upstream rejected the request' } } }, 20);
    const runDirectory = temporaryDirectory();
    const first = await runExam(subset, { model: model(), runDirectory, concurrency: 3 });
    expect(first.complete).toBe(false);
    expect(first.failure).toMatchObject({ code: 'E_PROVIDER_HTTP', isRetryable: false });
    expect(first.askedQuestions).toBe(50);
    expect(first.summary).toMatchObject({ pendingItems: 150, overall: { items: 50, correct: 50 } });
    const lookup = createKeyLookup(subset);
    const idOf = (request: (typeof server.requests)[number]) => lookup(lastUserMessage(request))!.item.id;
    const answeredFirst = new Set(server.requests.slice(0, 50).map(idOf));
    expect(answeredFirst.size).toBe(50);
    // Requests 51 and after all failed: at most one per worker was sent before the workers stopped.
    expect(server.requests.length).toBeLessThanOrEqual(53);

    await server.close();
    server = await startScriptedOpenAIServer();
    scriptChat(server, answerFromKey(subset), 200);
    const second = await runExam(subset, { model: model(), runDirectory, concurrency: 3 });
    expect(second).toMatchObject({ complete: true, resumedQuestions: 50, askedQuestions: 150 });
    const askedSecond = server.requests.map(idOf);
    expect(askedSecond).toHaveLength(150);
    expect(new Set(askedSecond).size).toBe(150);
    expect(askedSecond.filter((id) => answeredFirst.has(id))).toEqual([]);
    expect(new Set([...answeredFirst, ...askedSecond]).size).toBe(200);
    expect(second.summary.overall).toMatchObject({ items: 200, correct: 200, accuracy: 1 });
    expect(readFileSync(path.join(runDirectory, 'answers.jsonl'), 'utf8').trim().split('\n')).toHaveLength(200);
  });

  it('refuses to resume a run directory under another configuration, naming the setting', async () => {
    const items = subset.slice(0, 3);
    scriptChat(server, answerFromKey(items), 3);
    const runDirectory = temporaryDirectory();
    await runExam(items, { model: model(), runDirectory });
    const error = await runExam(items, { model: model(), runDirectory, circular: true }).catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_USAGE')).toBe(true);
    expect((error as HangjiaError).details).toMatchObject({ runDirectory, setting: 'circular', previous: false, value: true });
  });

  it('drops a last line cut short by a crash and asks that question again', async () => {
    const items = subset.slice(0, 4);
    scriptChat(server, answerFromKey(items), 4);
    const runDirectory = temporaryDirectory();
    await runExam(items, { model: model(), runDirectory, concurrency: 1 });
    const file = path.join(runDirectory, 'answers.jsonl');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, `${lines.slice(0, 3).join('\n')}\n${lines[3]!.slice(0, 40)}`);
    scriptChat(server, answerFromKey(items), 1);
    const resumed = await runExam(items, { model: model(), runDirectory, concurrency: 1 });
    expect(resumed).toMatchObject({ complete: true, resumedQuestions: 3, askedQuestions: 1, droppedLines: 1 });
    expect(server.requests).toHaveLength(5);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('counts replies with no parseable answer as wrong and lists them', async () => {
    const items = subset.slice(0, 4);
    server.enqueue('/v1/chat/completions', chatReply('答案：A'), chatReply('我不确定。'), chatReply('答案：A'), chatReply('以上都不对'));
    const result = await runExam(items, { model: model(), runDirectory: temporaryDirectory(), concurrency: 1 });
    const noAnswer = [items[1]!.id, items[3]!.id];
    expect(result.summary.unparseableIds).toEqual(noAnswer);
    expect(result.summary.overall.unparseable).toBe(2);
    expect(result.records.filter((record) => noAnswer.includes(record.id)).every((record) => record.extracted === null && !record.correct && record.method === 'none')).toBe(true);
  });

  it('few-shot: fixed dev examples of the same subject, or chosen by a selector over the dev pool', async () => {
    const items = subset.slice(0, 10);
    scriptChat(server, answerFromKey(items), 20);
    const fixed = await runExam(items, { model: model(), runDirectory: temporaryDirectory(), shots: 2, devPool: dev });
    expect(fixed.summary.overall.accuracy).toBe(1);
    const agronomy = fixed.records.find((record) => record.id === 'cmmlu-test-agronomy-0')!;
    expect(agronomy.shots).toEqual(['cmmlu-dev-agronomy-0', 'cmmlu-dev-agronomy-1']);
    expect(agronomy.prompt.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(agronomy.prompt[1]!.content).toBe('肉牛屠宰后，胴体的哪个部位肉质较好\nA. 胸\nB. 腹\nC. 大腿\nD. 小腿');
    expect(agronomy.prompt[2]!.content).toBe('答案：C');
    expect(JSON.parse(readFileSync(path.join(fixed.runDirectory, 'run.json'), 'utf8'))).toMatchObject({ shots: 2, shotSelection: 'fixed' });

    const pool = await createExamplePool(examItemsToExamples(dev), { analyzer: createAnalyzer() });
    const dynamic = await runExam(items, { model: model(), runDirectory: temporaryDirectory(), shots: 3, devPool: dev, selector: createExampleSelector(pool, 'bm25') });
    expect(dynamic.summary.overall.accuracy).toBe(1);
    const devIds = new Set(dev.map((item) => item.id));
    expect(dynamic.records.every((record) => record.shots.length === 3 && record.shots.every((id) => devIds.has(id)))).toBe(true);
    expect(dynamic.config.shotSelection).toBe('bm25');
  });

  it('reads malformed items as skipped, by id and line, and runs the rest', async () => {
    const file = path.join(temporaryDirectory(), 'exam.jsonl');
    const good = (id: string, answer: string) => JSON.stringify({ id, subject: 'law', question: `问题${id}`, choices: { A: '甲', B: '乙' }, answer });
    writeFileSync(file, [
      good('q1', 'A'),
      '{"id": "q2", "subject": "law", "question": "缺答案", "choices": {"A": "甲", "B": "乙"}}',
      good('q3', 'C'),
      '{"id": "q4", "question": "只有一个选项", "choices": {"A": "甲"}, "answer": "A"}',
      'not json',
      good('q1', 'B'),
      JSON.stringify({ id: 'q7', subject: 'law', question: '多选', choices: { A: '甲', B: '乙', C: '丙' }, answer: 'Ａ、Ｃ' }),
      JSON.stringify({ id: 'q8', question: '单选却两个字母', choices: { A: '甲', B: '乙' }, answer: 'AB', multi: false }),
      '',
    ].join('\n'));
    const exam = readExam(file);
    expect(exam.items.map((item) => item.id)).toEqual(['q1', 'q7']);
    expect(exam.items[1]).toMatchObject({ answer: ['A', 'C'], multi: true });
    expect(exam.skipped.map(({ line, id, reason }) => ({ line, id, reason }))).toEqual([
      { line: 2, id: 'q2', reason: 'invalid-answer' },
      { line: 3, id: 'q3', reason: 'invalid-answer' },
      { line: 4, id: 'q4', reason: 'invalid-choices' },
      { line: 5, id: undefined, reason: 'invalid-json' },
      { line: 6, id: 'q1', reason: 'duplicate-id' },
      { line: 8, id: 'q8', reason: 'invalid-answer' },
    ]);
    expect(exam.skippedByReason).toEqual({ 'invalid-answer': 3, 'invalid-choices': 1, 'invalid-json': 1, 'duplicate-id': 1 });
    expect(exam.skipped[1]!.message).toBe(`${file}:3 (q3): the answer "C" names C, not among the choices A, B`);

    scriptChat(server, answerFromKey(exam.items), 2);
    const result = await runExam(exam.items, { model: model(), runDirectory: temporaryDirectory() });
    expect(result.summary.overall).toMatchObject({ items: 2, correct: 2 });
    expect(result.records.find((record) => record.id === 'q7')!.prompt[0]!.content).toContain('不定项选择题');
  });
});

describe('runExam in process with the tiny GGUF', () => {
  it('asks llama.cpp and returns well-formed records (the answers are random)', async () => {
    const model = createLanguageModelFromConfig({ provider: 'llama-cpp', modelPath: await ensureTinyGguf(), threads: 1, contextSize: 1024, temperature: 0, maxTokens: 4, timeoutMs: 60_000 });
    try {
      const items: ExamItem[] = [
        { id: 'g1', subject: 'law', split: 'test', question: '劳动合同的试用期最长是多久？', choices: { A: '一个月', B: '六个月' }, answer: ['B'], multi: false },
        { id: 'g2', subject: 'law', split: 'test', question: 'Which court hears the appeal?', choices: { A: 'The higher court', B: 'The same court' }, answer: ['A'], multi: false },
      ];
      const result = await runExam(items, { model, runDirectory: temporaryDirectory(), maxTokens: 4, concurrency: 1 });
      expect(result.complete).toBe(true);
      expect(result.records).toHaveLength(2);
      for (const record of result.records) {
        expect(typeof record.output).toBe('string');
        expect(record.extracted === null || record.extracted.every((letter) => 'ABCD'.includes(letter))).toBe(true);
        expect(record.latencyMs).toBeGreaterThan(0);
      }
      expect(result.summary.overall.items).toBe(2);
      expect(result.config.model.provider).toBe('llama-cpp');
    } finally {
      await (model as { dispose?: () => Promise<void> }).dispose?.();
    }
  });
});
