import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { bootstrapAccuracyInterval, readExam, type ExamItem } from '../../eval/index.js';
import { createKeyLookup, lastUserMessage } from '../../eval/exam/__fixtures__/scripted-examinee.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer, type ScriptedReply } from '../../../test/support/scripted-openai-server.js';
import { expectStoppedBySignal, interruptDuringReply, stopListenerCounts } from '../../../test/support/stop-signal.js';
import { needsSharedDataset } from '../../../test/support/shared-dataset.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const cmmlu = needsSharedDataset('exams/cmmlu');
const CMMLU = cmmlu.path;
const temporaryDirectory = useTemporaryDirectories();
const allItems = (cmmlu.available ? readExam(path.join(CMMLU, 'test.jsonl')).items : []).filter((item) => !item.question.includes('\n\n'));
/** The domain exam: 60 CMMLU items. The general-ability set: 40 others. */
const domain = allItems.slice(0, 60);
const general = allItems.slice(200, 240);
const generalIds = new Set(general.map((item) => item.id));
const lookup = createKeyLookup([...domain, ...general]);

function reply(text: string, promptTokens: number, completionTokens: number): ScriptedReply {
  return {
    json: {
      id: 'chatcmpl-compare',
      object: 'chat.completion',
      created: 0,
      model: 'scripted',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    },
  };
}

/**
 * The examinee. The base model ("scripted-model") answers from the key when the prompt carries
 * retrieved passages (材料：…) or asks a general-ability item, and "A" otherwise; the tuned model
 * ("ft-model") knows every domain answer but has forgotten general ability (always "A" there).
 * Usage: 400 in / 5 out with passages, 100 in / 2 out without.
 */
function examinee(request: RecordedRequest): ScriptedReply {
  const content = lastUserMessage(request);
  const withContext = content.startsWith('材料：');
  const found = lookup(withContext ? content.slice(content.lastIndexOf('\n\n') + 2) : content);
  const key = found === undefined ? '不知道' : `答案：${found.letters.join('')}`;
  const isGeneral = found !== undefined && generalIds.has(found.item.id);
  const tuned = (request.body as { model?: string }).model === 'ft-model';
  const text = tuned ? (isGeneral ? '答案：A' : key) : withContext || isGeneral ? key : '答案：A';
  return withContext ? reply(text, 400, 5) : reply(text, 100, 2);
}

const shareOfA = (items: readonly ExamItem[]): number => items.filter((item) => item.answer.join('') === 'A').length / items.length;

cmmlu.describe('hangjia eval compare / show / diff', () => {
  let server: ScriptedOpenAIServer;
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
    server.enqueue('/v1/chat/completions', ...Array.from({ length: 2000 }, () => examinee));
    home = temporaryDirectory();
    env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' };
  });
  afterEach(async () => {
    await server.close();
  });

  it('runs every strategy, reports exact accuracy, cost and retrieval share, recommends RAG, and leaves fine-tuning out', async () => {
    // A tiny knowledge base that knows the answers: one file per item, the question and its answer text.
    const sources = temporaryDirectory();
    writeFiles(sources, Object.fromEntries(domain.map((item, index) => [`item-${index}.md`, `# ${item.question}\n\n${item.question}\n\n正确答案是：${item.answer.map((letter) => item.choices[letter]).join('、')}。\n`])));
    const created = await runCliCaptured(['kb', 'create', 'tiny', sources, '--quiet'], { home, env });
    expect(created.code, created.stderr).toBe(0);

    const workspace = temporaryDirectory();
    const examFile = path.join(workspace, 'domain.jsonl');
    const generalFile = path.join(workspace, 'general.jsonl');
    writeFileSync(examFile, domain.map((item) => JSON.stringify({ ...item, answer: item.answer.join('') })).join('\n'));
    writeFileSync(generalFile, general.map((item) => JSON.stringify({ ...item, answer: item.answer.join('') })).join('\n'));
    const out = path.join(workspace, 'report');
    const args = [
      'eval', 'compare', examFile, '--kb', 'tiny', '--dev', path.join(CMMLU, 'dev.jsonl'), '--shots', '2',
      '--endpoint', `ft=${server.baseURL},ft-model`, '--price', 'base=1/2', '--price', 'ft=3/6',
      '--general', generalFile, '--out', out, '--json', '--concurrency', '2',
    ];
    const run = await runCliCaptured(args, { home, cwd: workspace, env });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    const rows = Object.fromEntries(result.strategies.map((row: { name: string }) => [row.name, row]));
    const guess = shareOfA(domain);
    expect(rows['zero-shot']).toMatchObject({ items: 60, accuracy: guess, retrievalShare: null, usage: { inputTokens: 6000, outputTokens: 120 } });
    expect(rows['few-shot']).toMatchObject({ items: 60, accuracy: guess });
    expect(rows['rag']).toMatchObject({ items: 60, accuracy: 1, confidenceInterval: [1, 1], retrievalShare: 1, usage: { inputTokens: 24000, outputTokens: 300 } });
    expect(rows['rag+few-shot']).toMatchObject({ accuracy: 1, retrievalShare: 1 });
    expect(rows['ft']).toMatchObject({ kind: 'endpoint', accuracy: 1, model: { modelId: 'ft-model' } });
    // Cost per 1,000 questions: (tokens in × price in + tokens out × price out) / 10⁶ × 1000 / 60.
    expect(rows['zero-shot'].costPer1000Items).toBeCloseTo((6000 * 1 + 120 * 2) / 1e6 / 60 * 1000, 12); // 0.104
    expect(rows['rag'].costPer1000Items).toBeCloseTo((24000 * 1 + 300 * 2) / 1e6 / 60 * 1000, 12); // 0.41
    expect(rows['ft'].costPer1000Items).toBeCloseTo((6000 * 3 + 120 * 6) / 1e6 / 60 * 1000, 12); // 0.312
    // RAG and RAG + few-shot tie at [1, 1] and cost the same: the simpler one wins. ft is no better than RAG + few-shot.
    expect(result.recommendation).toMatchObject({ strategy: 'rag', best: 'rag', contenders: ['rag', 'rag+few-shot'], costBasis: 'price', excluded: [{ name: 'ft' }] });
    // McNemar against rag: zero-shot differs on the non-A items only, all in rag's favour: p = 2 / 2^n.
    const nonA = domain.filter((item) => item.answer.join('') !== 'A').length;
    expect(rows['zero-shot'].mcnemarVersusRecommended).toBeCloseTo(2 / 2 ** nonA, 15);

    // Forgetting: base answers every general item, ft only the A ones; the paired interval is the
    // negated accuracy interval of the lost items (same generator and seed).
    const [change] = result.general;
    const lost = general.map((item) => item.answer.join('') !== 'A');
    const [low, high] = bootstrapAccuracyInterval(lost, { seed: 0 })!;
    expect(change).toMatchObject({ base: 'base', tuned: 'ft', items: 40, baseAccuracy: 1, tunedAccuracy: shareOfA(general), verdict: 'forgetting' });
    expect(change.change.difference).toBeCloseTo(shareOfA(general) - 1, 15);
    expect(change.change.confidenceInterval).toEqual([-high, -low]);

    const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('The numbers support **rag**: it has the highest accuracy, 1.000 [1.000, 1.000]');
    expect(summary).toContain('Fine-tuning is not supported by these numbers: **ft**');
    expect(summary).toContain('### The rule');
    expect(summary).toContain('| zero-shot | zero-shot | scripted-model | ');
    expect(summary).toContain(' | 0.1040 | — |');
    expect(summary).toContain('| base → ft | 40 | 1.000 |');
    expect(summary).toContain(`hangjia eval compare ${examFile} --kb tiny`);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('<table>');
    expect(html).toContain('<th>cost / 1,000 q</th>');
    expect(html.match(/<rect class="bar"/g)).toHaveLength(5);
    expect(html.match(/<g class="whisker"/g)).toHaveLength(5);
    // Self-contained: no scripts, no external resources.
    expect(html).not.toMatch(/<script|<link|\ssrc=|\shref=/);

    // Re-running resumes: nothing is asked again.
    const asked = server.requests.length;
    const again = await runCliCaptured(args, { home, cwd: workspace, env });
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests.length).toBe(asked);

    // show: config, provenance and summary of one run directory.
    const ragRun = path.join(out, 'runs', 'rag');
    const shown = await runCliCaptured(['eval', 'show', ragRun], { home, env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('strategy    rag (rag)');
    expect(shown.stdout).toContain('retrieval   knowledge base tiny; k 3; evidence ≥ 0.35; ≤ 1500 characters');
    expect(shown.stdout).toContain('records     60 questions, 60 items, 60 right');
    expect(shown.stdout).toContain('accuracy    1.0000 [1.0000, 1.0000] over 60 items (1000 resamples, seed 0)');

    // diff: zero-shot vs rag.
    const diff = await runCliCaptured(['eval', 'diff', path.join(out, 'runs', 'zero-shot'), ragRun, '--ids', '0'], { home, env });
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain(`both right  ${60 - nonA}\n`);
    expect(diff.stdout).toContain('both wrong  0\n');
    expect(diff.stdout).toContain('a only      0\n');
    expect(diff.stdout).toContain(`b only      ${nonA}\n`);
    expect(diff.stdout).toContain(`McNemar     p = ${(2 / 2 ** nonA).toPrecision(4)} (exact, two-sided, on 0 + ${nonA} discordant items)`);
  }, 60_000);

  it('diffs two hand-written run directories with exact groups and p-value', async () => {
    const root = temporaryDirectory();
    const config = { formatVersion: 1, model: { provider: 'openai-compatible', modelId: 'm' }, template: 'auto', shots: 0, shotSelection: 'none', circular: false, temperature: 0, maxTokens: 128, seed: 0, createdAt: '2026-01-01T00:00:00.000Z' };
    const write = (name: string, right: string[], wrong: string[]): string => {
      const directory = path.join(root, name);
      mkdirSync(directory);
      writeFileSync(path.join(directory, 'run.json'), JSON.stringify(config));
      const line = (id: string, correct: boolean): string => JSON.stringify({ id, subject: 's', rotation: 0, prompt: [], shots: [], output: '', extracted: ['A'], method: 'statement', expected: ['A'], correct, latencyMs: 1, inputTokens: 1, outputTokens: 1, finishReason: 'stop' });
      writeFileSync(path.join(directory, 'answers.jsonl'), [...right.map((id) => line(id, true)), ...wrong.map((id) => line(id, false))].join('\n') + '\n');
      return directory;
    };
    // Both right q1 q2; both wrong q3; a only q4; b only q5–q10 → p = 2 · (1 + 7) / 2^7 = 0.125.
    const a = write('a', ['q1', 'q2', 'q4'], ['q3', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10']);
    const b = write('b', ['q1', 'q2', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10'], ['q3', 'q4']);
    const diff = await runCliCaptured(['eval', 'diff', a, b], { home, env });
    expect(diff.code, diff.stderr).toBe(0);
    const lines = diff.stdout.split('\n');
    expect(lines.slice(2, 7)).toEqual(['paired      10 items', 'both right  2', 'both wrong  1', 'a only      1  q4', 'b only      6  q5, q6, q7, q8, q9, q10']);
    expect(diff.stdout).toContain('accuracy    a 0.3000, b 0.8000; b − a +0.5000');
    expect(diff.stdout).toContain('McNemar     p = 0.1250 (exact, two-sided, on 1 + 6 discordant items)');
    const json = JSON.parse((await runCliCaptured(['eval', 'diff', a, b, '--json'], { home, env })).stdout);
    expect(json).toMatchObject({ bothRight: ['q1', 'q2'], bothWrong: ['q3'], onlyA: ['q4'], mcnemarPValue: 0.125 });
    const notRun = await runCliCaptured(['eval', 'show', root], { home, env });
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toContain('is not an exam run directory: it has no run.json');
  });

  it('names usage problems before asking anything', async () => {
    const exam = path.join(CMMLU, 'test.jsonl');
    const noKb = await runCliCaptured(['eval', 'compare', exam, '--strategies', 'zero-shot,rag'], { home, env });
    expect(noKb.code).toBe(2);
    expect(noKb.stderr).toContain('The rag strategies need a knowledge base: give --kb <name>');
    const badEndpoint = await runCliCaptured(['eval', 'compare', exam, '--strategies', 'zero-shot', '--endpoint', 'ft'], { home, env });
    expect(badEndpoint.code).toBe(2);
    expect(badEndpoint.stderr).toContain('--endpoint must be name=baseURL,model');
    const generalAlone = await runCliCaptured(['eval', 'compare', exam, '--strategies', 'zero-shot', '--general', exam], { home, env });
    expect(generalAlone.code).toBe(2);
    expect(generalAlone.stderr).toContain('--general compares the base model with a tuned one');
    expect(server.requests).toHaveLength(0);
  });
});

cmmlu.describe('hangjia eval compare, interrupted', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('Ctrl-C keeps the answers so far, starts no later strategy, writes no report, exits 130, and the same command resumes', async () => {
    const home = temporaryDirectory();
    const workspace = temporaryDirectory();
    const exam = domain.slice(0, 3);
    const examFile = path.join(workspace, 'domain.jsonl');
    writeFileSync(examFile, exam.map((item) => JSON.stringify({ ...item, answer: item.answer.join('') })).join('\n'));
    const out = path.join(workspace, 'report');
    const args = ['eval', 'compare', examFile, '--strategies', 'zero-shot', '--endpoint', `ft=${server.baseURL},ft-model`, '--out', out, '--concurrency', '1', '--json'];
    const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' };
    /** [model, item id] of each request: which strategy asked which question. */
    const asked = (requests: readonly RecordedRequest[]): [string | undefined, string | undefined][] => requests.map((request) => [(request.body as { model?: string }).model, lookup(lastUserMessage(request))?.item.id]);
    const answered = (strategy: string): string[] => readFileSync(path.join(out, 'runs', strategy, 'answers.jsonl'), 'utf8').trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line).id);
    const ids = exam.map((item) => item.id);

    // zero-shot answers the first question, then Ctrl-C while it asks the second; ft never starts.
    const interrupt = interruptDuringReply('SIGINT', examinee);
    const { before } = interrupt;
    server.enqueue('/v1/chat/completions', examinee, interrupt.step);
    const interrupted = await runCliCaptured(args, { home, cwd: workspace, env });
    expectStoppedBySignal(interrupted, interrupt, 'SIGINT', `1 answered questions are saved under ${path.join(out, 'runs')} (zero-shot 1 of 3)`);
    expect(interrupted.stdout).toBe('');
    expect(asked(server.requests)).toEqual([['scripted-model', ids[0]], ['scripted-model', ids[1]]]);
    expect(answered('zero-shot')).toEqual([ids[0]]);
    // The report would judge unfinished runs: none is written until every run finishes.
    for (const file of ['comparison.json', 'summary.md', 'report.html']) expect(existsSync(path.join(out, file))).toBe(false);
    expect(existsSync(path.join(out, 'runs', 'ft'))).toBe(false);

    // The same command again asks zero-shot's two questions left, then ft's three, and nothing else.
    server.enqueue('/v1/chat/completions', ...Array.from({ length: 5 }, () => examinee));
    const resumed = await runCliCaptured(args, { home, cwd: workspace, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(asked(server.requests.slice(2))).toEqual([...ids.slice(1).map((id) => ['scripted-model', id]), ...ids.map((id) => ['ft-model', id])]);
    const rows = JSON.parse(resumed.stdout).strategies as { name: string; items: number; complete: boolean }[];
    expect(rows.map(({ name, items, complete }) => ({ name, items, complete }))).toEqual([
      { name: 'zero-shot', items: 3, complete: true },
      { name: 'ft', items: 3, complete: true },
    ]);
    expect(answered('zero-shot')).toEqual(ids);
    expect(existsSync(path.join(out, 'summary.md'))).toBe(true);
    expect(stopListenerCounts()).toEqual(before);
  });
});
