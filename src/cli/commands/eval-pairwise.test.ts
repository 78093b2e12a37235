import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { expectStoppedBySignal, interruptDuringReply, stopListenerCounts } from '../../../test/support/stop-signal.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

function writeAnswers(directory: string): [string, string] {
  const a = path.join(directory, 'rag.jsonl');
  const b = path.join(directory, 'sft.jsonl');
  writeFileSync(a, ['{"id":"q1","question":"试用期最长多久？","answer":"六个月。GOOD"}', '{"id":"q2","question":"年假？","answer":"五天。GOOD"}', '{"id":"q3","question":"只在 A","answer":"…"}'].join('\n'));
  writeFileSync(b, ['{"id":"q1","question":"试用期最长多久？","answer":"一年。"}', '{"id":"q2","question":"年假？","answer":"看心情。"}'].join('\n'));
  return [a, b];
}

/** A judge that prefers the answer marked GOOD, in whichever order it is shown. */
const better = (request: RecordedRequest) => {
  const messages = (request.body as { messages: { role: string; content: string }[] }).messages;
  const text = messages[1]!.content;
  const content = JSON.stringify({ reason: 'GOOD 更准确', verdict: text.indexOf('GOOD') < text.indexOf('回答 2') ? '1' : '2' });
  return { json: { id: 'x', object: 'chat.completion', created: 0, model: 'judge', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } } };
};
/** The question a judge request is about. */
const judgedQuestion = (request: RecordedRequest): string | undefined => ['试用期最长多久？', '年假？'].find((question) => (request.body as { messages: { content: string }[] }).messages[1]!.content.includes(question));

describe('hangjia eval pairwise', () => {
  let server: ScriptedOpenAIServer;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('judges both orders with the rubric from a file and prints the win rate', async () => {
    const home = temporaryDirectory();
    const [a, b] = writeAnswers(home);
    const rubric = path.join(home, 'rubric.txt');
    writeFileSync(rubric, '只看是否正确。');
    server.enqueue('/v1/chat/completions', ...Array.from({ length: 4 }, () => better));
    const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'judge' };
    const run = await runCliCaptured(['eval', 'pairwise', a, b, '--rubric', rubric], { home, cwd: home, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('(q3): no answer with this id in');
    expect(run.stdout).toContain('A vs B      2 wins, 0 ties, 0 losses');
    expect(run.stdout).toContain('win rate    1.0000  95% CI [1.0000, 1.0000]  (ties count half)');
    expect(run.stdout).toContain('consistency 2 of 2 pairs judged alike in both orders');
    expect((server.requests[0]!.body as { messages: { content: string }[] }).messages[0]!.content).toContain('只看是否正确。');
    expect(server.requests).toHaveLength(4);
  });

  it('SIGTERM keeps the judged pairs, exits 143 saying how to resume, and the same command judges only the rest', async () => {
    const home = temporaryDirectory();
    const [a, b] = writeAnswers(home);
    const runDirectory = path.join(home, 'run');
    const args = ['eval', 'pairwise', a, b, '--concurrency', '1', '--run-dir', runDirectory, '--json'];
    const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'judge' };
    // q1 judged in both orders, then SIGTERM while the judge reads q2 in the first order.
    const interrupt = interruptDuringReply('SIGTERM', better);
    const { before } = interrupt;
    server.enqueue('/v1/chat/completions', better, better, interrupt.step);
    const interrupted = await runCliCaptured(args, { home, env });
    expectStoppedBySignal(interrupted, interrupt, 'SIGTERM', `1 judged pairs are saved in ${runDirectory}`);
    expect(JSON.parse(interrupted.stdout).summary).toMatchObject({ items: 2, decided: 1, pending: 1, wins: 1 });
    expect(server.requests.map(judgedQuestion)).toEqual(['试用期最长多久？', '试用期最长多久？', '年假？']);
    const judgments = (): string[] => readFileSync(path.join(runDirectory, 'judgments.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line).id);
    expect(judgments()).toEqual(['q1']);
    expect(JSON.parse(readFileSync(path.join(runDirectory, 'summary.json'), 'utf8'))).toMatchObject({ complete: false, failure: { id: 'q2', code: 'E_ABORTED', message: 'Interrupted by SIGTERM.' } });

    // The same command again judges q2 (both orders) and nothing else.
    server.enqueue('/v1/chat/completions', better, better);
    const resumed = await runCliCaptured(args, { home, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`Resumed: 1 pairs were already judged in ${runDirectory}.`);
    expect(server.requests.slice(3).map(judgedQuestion)).toEqual(['年假？', '年假？']);
    expect(JSON.parse(resumed.stdout).summary).toMatchObject({ items: 2, decided: 2, pending: 0, wins: 2 });
    expect(judgments()).toEqual(['q1', 'q2']);
    expect(stopListenerCounts()).toEqual(before);
  });

  it('--human reads g/s/b from stdin and saves the decisions', async () => {
    const home = temporaryDirectory();
    const [a, b] = writeAnswers(home);
    const runDirectory = path.join(home, 'review');
    const run = await runCliCaptured(['eval', 'pairwise', a, b, '--human', '--json', '--run-dir', runDirectory], { home, stdin: Readable.from(['s\ns\n']) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('── 回答 1 Answer 1 ──');
    expect(JSON.parse(run.stdout).summary).toMatchObject({ items: 2, decided: 2, ties: 2, winRate: 0.5 });
    expect(readFileSync(path.join(runDirectory, 'decisions.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
