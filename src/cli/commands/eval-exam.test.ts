import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readExam } from '../../eval/index.js';
import { answerFromKey, chatReply, createKeyLookup, lastUserMessage, scriptChat } from '../../eval/exam/__fixtures__/scripted-examinee.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { expectStoppedBySignal, interruptDuringReply, stopListenerCounts } from '../../../test/support/stop-signal.js';
import { needsSharedDataset } from '../../../test/support/shared-dataset.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';

const cmmlu = needsSharedDataset('exams/cmmlu');
const CMMLU = cmmlu.path;
const temporaryDirectory = useTemporaryDirectories();
const testItems = cmmlu.available ? readExam(path.join(CMMLU, 'test.jsonl')).items : [];

cmmlu.describe('hangjia eval exam', () => {
  let server: ScriptedOpenAIServer;
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
    home = temporaryDirectory();
    env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' };
  });
  afterEach(async () => {
    await server.close();
  });

  it('prints accuracy per subject and overall with intervals, and saves the run under a name that says what ran', async () => {
    scriptChat(server, answerFromKey(testItems), 30);
    const run = await runCliCaptured(['eval', 'exam', path.join(CMMLU, 'test.jsonl'), '--limit', '30', '--subjects', 'agronomy,anatomy'], { home, cwd: home, env });
    expect(run.code, run.stderr).toBe(0);
    expect(server.requests).toHaveLength(30);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('subject   items  accuracy  95% CI            unparseable');
    expect(lines[1]).toBe('agronomy     30    1.0000  [1.0000, 1.0000]            0');
    expect(lines[2]).toBe('overall      30    1.0000  [1.0000, 1.0000]            0   macro 1.0000');
    expect(run.stdout).toContain('intervals   percentile bootstrap, 1000 resamples, seed 0');
    expect(run.stderr).toContain('Exam: 30 items (1 subjects)');
    expect(existsSync(path.join(home, 'runs', 'exam.cmmlu-test.scripted-model.0shot', 'answers.jsonl'))).toBe(true);
    // run.json says which server answered, so two runs of one model name can be told apart.
    expect(JSON.parse(readFileSync(path.join(home, 'runs', 'exam.cmmlu-test.scripted-model.0shot', 'run.json'), 'utf8'))).toMatchObject({
      model: { provider: 'openai-compatible', modelId: 'scripted-model' },
      endpoint: server.baseURL,
    });
  });

  it('exits 1 when the endpoint fails mid-run, keeps what finished, and resumes on the next run', async () => {
    const runDirectory = path.join(temporaryDirectory(), 'run');
    const args = ['eval', 'exam', path.join(CMMLU, 'test.jsonl'), '--limit', '40', '--run-dir', runDirectory, '--concurrency', '2', '--json'];
    // 15 good answers, then the endpoint rejects everything until it is "fixed" before the second run.
    let broken = true;
    const key = answerFromKey(testItems);
    scriptChat(server, key, 15);
    scriptChat(server, (request) => (broken ? { status: 400, json: { error: { message: 'boom' } } } : typeof key === 'function' ? key(request) : key), 60);
    const failed = await runCliCaptured(args, { home, env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('[E_PROVIDER_HTTP]');
    expect(failed.stderr).toContain(`15 answered questions are saved in ${runDirectory}; run the same command again to resume.`);
    expect(JSON.parse(failed.stdout)).toMatchObject({ complete: false, askedQuestions: 15, summary: { pendingItems: 25 } });

    const asked = server.requests.length;
    broken = false;
    const resumed = await runCliCaptured(args, { home, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(server.requests.length - asked).toBe(25);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ complete: true, resumedQuestions: 15, askedQuestions: 25, summary: { overall: { items: 40, correct: 40, accuracy: 1 } } });
  });

  describe('interrupted by a signal', () => {
    const exam = path.join(CMMLU, 'test.jsonl');
    const askedId = createKeyLookup(testItems);
    const idsAsked = (requests: readonly RecordedRequest[]): (string | undefined)[] => requests.map((request) => askedId(lastUserMessage(request))?.item.id);
    const firstTen = testItems.slice(0, 10).map((item) => item.id);
    const readAnswers = (runDirectory: string): string => readFileSync(path.join(runDirectory, 'answers.jsonl'), 'utf8');

    it('Ctrl-C keeps the answers so far, exits 130 saying how to resume, and the same command resumes without asking them again', async () => {
      const runDirectory = path.join(temporaryDirectory(), 'run');
      const args = ['eval', 'exam', exam, '--limit', '10', '--concurrency', '1', '--run-dir', runDirectory, '--json'];
      // Four questions answered, then Ctrl-C while the fifth is in flight.
      const interrupt = interruptDuringReply('SIGINT', chatReply('答案：A'));
      const { before } = interrupt;
      scriptChat(server, answerFromKey(testItems), 4);
      server.enqueue('/v1/chat/completions', interrupt.step);
      const interrupted = await runCliCaptured(args, { home, env });
      expectStoppedBySignal(interrupted, interrupt, 'SIGINT', `4 answered questions are saved in ${runDirectory}`);
      expect(JSON.parse(interrupted.stdout)).toMatchObject({
        complete: false,
        askedQuestions: 4,
        failure: { code: 'E_ABORTED', id: firstTen[4], message: 'Interrupted by SIGINT.', isRetryable: true },
        summary: { pendingItems: 6, overall: { items: 4, correct: 4 } },
      });
      expect(idsAsked(server.requests)).toEqual(firstTen.slice(0, 5));
      // The run directory holds the four answers, each a whole line, and nothing of the fifth.
      const answers = readAnswers(runDirectory);
      expect(answers.endsWith('\n')).toBe(true);
      expect(answers.trimEnd().split('\n').map((line) => JSON.parse(line).id)).toEqual(firstTen.slice(0, 4));
      expect(JSON.parse(readFileSync(path.join(runDirectory, 'summary.json'), 'utf8'))).toMatchObject({ complete: false, failure: { code: 'E_ABORTED' } });

      // The same command again asks the six questions left (the interrupted one among them) and no other.
      const asked = server.requests.length;
      scriptChat(server, answerFromKey(testItems), 6);
      const resumed = await runCliCaptured(args, { home, env });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(idsAsked(server.requests.slice(asked))).toEqual(firstTen.slice(4));
      expect(JSON.parse(resumed.stdout)).toMatchObject({ complete: true, failure: null, resumedQuestions: 4, askedQuestions: 6, summary: { overall: { items: 10, correct: 10, accuracy: 1 } } });
      expect(readAnswers(runDirectory).trimEnd().split('\n').map((line) => JSON.parse(line).id)).toEqual(firstTen);
      expect(stopListenerCounts()).toEqual(before);
    });

    it('SIGTERM stops the run the same way, with exit status 143', async () => {
      const runDirectory = path.join(temporaryDirectory(), 'run');
      const interrupt = interruptDuringReply('SIGTERM', chatReply('答案：A'));
      const { before } = interrupt;
      server.enqueue('/v1/chat/completions', interrupt.step);
      const run = await runCliCaptured(['eval', 'exam', exam, '--limit', '3', '--concurrency', '1', '--run-dir', runDirectory], { home, env });
      expect(interrupt.during).toEqual({ SIGINT: before.SIGINT + 1, SIGTERM: before.SIGTERM + 1 });
      expect(run.code, run.stderr).toBe(143);
      expect(run.stderr).toContain(`Interrupted (SIGTERM): 0 answered questions are saved in ${runDirectory}; run the same command again to resume.`);
      expect(run.stdout).toContain('pending     3 items not yet answered (re-run to resume)');
      expect(server.requests).toHaveLength(1);
      expect(readAnswers(runDirectory)).toBe('');
      expect(stopListenerCounts()).toEqual(before);
    });
  });

  it('reports malformed items by line and id, and runs the rest', async () => {
    const file = path.join(temporaryDirectory(), 'law.jsonl');
    writeFileSync(file, [
      JSON.stringify({ id: 'law-1', subject: 'law', question: '试用期最长多久？', choices: { A: '一个月', B: '六个月' }, answer: 'B' }),
      JSON.stringify({ id: 'law-2', subject: 'law', question: '缺选项', answer: 'A' }),
    ].join('\n'));
    scriptChat(server, answerFromKey(readExam(file).items), 1);
    const run = await runCliCaptured(['eval', 'exam', file, '--run-dir', path.join(home, 'run')], { home, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Skipped ${file}:2 (law-2): expected "choices" to be an object`);
    expect(run.stderr).toContain('Skipped 1 malformed items (invalid-choices 1).');
    expect(run.stdout).toContain('overall      1    1.0000  [1.0000, 1.0000]            0   macro 1.0000');
  });

  it('names the usage problems: --shots without --dev, unknown subjects, no model', async () => {
    const exam = path.join(CMMLU, 'test.jsonl');
    const noDev = await runCliCaptured(['eval', 'exam', exam, '--shots', '5'], { home, env });
    expect(noDev.code).toBe(2);
    expect(noDev.stderr).toContain('--shots 5 needs solved examples: give --dev <file>');
    const unknown = await runCliCaptured(['eval', 'exam', exam, '--subjects', 'astrology'], { home, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--subjects names astrology, not in the exam');
    const noModel = await runCliCaptured(['eval', 'exam', exam, '--limit', '1'], { home, env: {} });
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain('An exam needs a chat model');
    expect(server.requests).toHaveLength(0);
    expect(readFileSync(exam, 'utf8').length).toBeGreaterThan(0);
  });
});
