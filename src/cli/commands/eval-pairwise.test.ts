import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

function writeAnswers(directory: string): [string, string] {
  const a = path.join(directory, 'rag.jsonl');
  const b = path.join(directory, 'sft.jsonl');
  writeFileSync(a, ['{"id":"q1","question":"试用期最长多久？","answer":"六个月。GOOD"}', '{"id":"q2","question":"年假？","answer":"五天。GOOD"}', '{"id":"q3","question":"只在 A","answer":"…"}'].join('\n'));
  writeFileSync(b, ['{"id":"q1","question":"试用期最长多久？","answer":"一年。"}', '{"id":"q2","question":"年假？","answer":"看心情。"}'].join('\n'));
  return [a, b];
}

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
    const better = (request: RecordedRequest) => {
      const messages = (request.body as { messages: { role: string; content: string }[] }).messages;
      const text = messages[1]!.content;
      const content = JSON.stringify({ reason: 'GOOD 更准确', verdict: text.indexOf('GOOD') < text.indexOf('回答 2') ? '1' : '2' });
      return { json: { id: 'x', object: 'chat.completion', created: 0, model: 'judge', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } } };
    };
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
