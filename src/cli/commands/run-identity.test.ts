import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readExam, type ExamItem } from '../../eval/index.js';
import { alwaysA, answerFromKey, scriptChat } from '../../eval/exam/__fixtures__/scripted-examinee.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

/** Eight items, three keyed A: a server that always answers "A" scores exactly 3/8. */
const ITEMS = ['A', 'B', 'C', 'D', 'A', 'B', 'A', 'C'].map((key, index) => ({
  id: `q${index + 1}`,
  subject: 'law',
  question: `第${index + 1}题：下列哪一项符合《劳动合同法》第${index + 10}条的规定？`,
  choices: { A: `甲${index}`, B: `乙${index}`, C: `丙${index}`, D: `丁${index}` },
  answer: key,
}));

/**
 * Issue 11, item 1: a run's identity is everything that can change an answer. Two endpoints serving
 * the same model name are two examinees: the second must not resume the first's answers.
 */
describe('eval exam run identity', () => {
  let keyServer: ScriptedOpenAIServer;
  let guessServer: ScriptedOpenAIServer;
  let home: string;
  let exam: string;
  let items: ExamItem[];
  beforeEach(async () => {
    keyServer = await startScriptedOpenAIServer();
    guessServer = await startScriptedOpenAIServer();
    home = temporaryDirectory();
    exam = path.join(temporaryDirectory(), 'exam.jsonl');
    writeFileSync(exam, ITEMS.map((item) => JSON.stringify(item)).join('\n'));
    items = readExam(exam).items;
  });
  afterEach(async () => {
    await keyServer.close();
    await guessServer.close();
  });
  const at = (server: ScriptedOpenAIServer): NodeJS.ProcessEnv => ({ HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'default' });

  it('two endpoints with the same model name each get their own accuracy and run directory', async () => {
    scriptChat(keyServer, answerFromKey(items), 8);
    // From another working directory each time: default run directories live under $HANGJIA_HOME.
    const first = await runCliCaptured(['eval', 'exam', exam, '--json'], { home, cwd: temporaryDirectory(), env: at(keyServer) });
    expect(first.code, first.stderr).toBe(0);
    const keyRun = JSON.parse(first.stdout);
    expect(keyRun.summary.overall.accuracy).toBe(1);
    const defaultDirectory = path.join(home, 'runs', `exam.${path.basename(path.dirname(exam))}-exam.default.0shot`);
    expect(keyRun).toMatchObject({ runDirectory: defaultDirectory, runDirectoryNote: null, askedQuestions: 8, summary: { overall: { accuracy: 1 } } });
    expect(keyRun.config).toMatchObject({ endpoint: keyServer.baseURL, model: { provider: 'openai-compatible', modelId: 'default' } });

    scriptChat(guessServer, alwaysA, 8);
    const second = await runCliCaptured(['eval', 'exam', exam, '--json'], { home, cwd: temporaryDirectory(), env: at(guessServer) });
    expect(second.code, second.stderr).toBe(0);
    const guessRun = JSON.parse(second.stdout);
    // Before issue 11 this run resumed the key server's answers and reported accuracy 1.
    expect(guessRun.summary.overall.accuracy).toBe(3 / 8);
    expect(guessRun).toMatchObject({ resumedQuestions: 0, askedQuestions: 8, summary: { overall: { accuracy: 3 / 8 } } });
    expect(guessRun.runDirectory).toMatch(new RegExp(`^${defaultDirectory.replace(/[.\\]/g, '\\$&')}\\.[0-9a-f]{8}$`));
    const note = `${defaultDirectory} holds a run with endpoint ${JSON.stringify(keyServer.baseURL)}; this run has ${JSON.stringify(guessServer.baseURL)}, so it uses ${guessRun.runDirectory}.`;
    expect(guessRun.runDirectoryNote).toBe(note);
    expect(second.stderr).toContain(`Run directory: ${note}`);
    expect(guessServer.requests).toHaveLength(8);

    // Each endpoint resumes its own run: nothing is asked again, and each keeps its accuracy.
    for (const [server, accuracy, directory] of [[guessServer, 3 / 8, guessRun.runDirectory], [keyServer, 1, defaultDirectory]] as const) {
      const again = await runCliCaptured(['eval', 'exam', exam, '--json'], { home, env: at(server) });
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ runDirectory: directory, resumedQuestions: 8, askedQuestions: 0, summary: { overall: { accuracy } } });
    }
    expect(keyServer.requests).toHaveLength(8);
    expect(guessServer.requests).toHaveLength(8);

    // The text output names the directory on every run.
    const text = await runCliCaptured(['eval', 'exam', exam], { home, env: at(guessServer) });
    expect(text.stdout).toContain(`\nrun         ${guessRun.runDirectory}\n`);
  });

  it('an explicit --run-dir holding another run is an error naming the setting that differs', async () => {
    const runDirectory = path.join(temporaryDirectory(), 'mine');
    scriptChat(keyServer, answerFromKey(items), 8);
    const first = await runCliCaptured(['eval', 'exam', exam, '--run-dir', runDirectory, '--quiet'], { home, env: at(keyServer) });
    expect(first.code, first.stderr).toBe(0);
    const cases: Array<[string[], NodeJS.ProcessEnv, string]> = [
      [[], at(guessServer), `endpoint ${JSON.stringify(keyServer.baseURL)}, but this run has ${JSON.stringify(guessServer.baseURL)}`],
      [[], { ...at(keyServer), HANGJIA_MODEL: 'other' }, 'model.modelId "default", but this run has "other"'],
      [['--temperature', '0.7'], at(keyServer), 'temperature 0, but this run has 0.7'],
      [['--max-tokens', '64'], at(keyServer), 'maxTokens 128, but this run has 64'],
      [['--template', 'en'], at(keyServer), 'template "auto", but this run has "en"'],
      [['--circular'], at(keyServer), 'circular false, but this run has true'],
      [['--seed', '7'], at(keyServer), 'seed 0, but this run has 7'],
    ];
    for (const [flags, env, difference] of cases) {
      const run = await runCliCaptured(['eval', 'exam', exam, '--run-dir', runDirectory, ...flags], { home, env });
      expect(run.code, `${flags.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain(`Error: The run directory ${runDirectory} holds a run with ${difference}: its answers cannot be resumed into this run.`);
    }
    // A changed exam file is another exam.
    writeFileSync(exam, `${readFileSync(exam, 'utf8')}\n${JSON.stringify({ ...ITEMS[0], id: 'q9' })}`);
    const changed = await runCliCaptured(['eval', 'exam', exam, '--run-dir', runDirectory], { home, env: at(keyServer) });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/holds a run with exam "[0-9a-f]{64}", but this run has "[0-9a-f]{64}"/);
    expect(guessServer.requests).toHaveLength(0);
    expect(keyServer.requests).toHaveLength(8);
  });
});
