import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type RecordedRequest, type ScriptedOpenAIServer, type ScriptStep } from '../../../test/support/scripted-openai-server.js';
import { expectStoppedBySignal, interruptDuringReply, stopListenerCounts } from '../../../test/support/stop-signal.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();
const servers: ScriptedOpenAIServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const CHUNK = '第十九条 劳动合同期限三年以上的，试用期不得超过六个月。';

function reply(request: RecordedRequest) {
  const prompt = (request.body as { messages: Array<{ role: string; content: string }> }).messages[1]!.content;
  const custom = prompt.startsWith('CUSTOM');
  return {
    json: {
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ items: [{ question: custom ? '自定义模板生成的问题：试用期最长多久？' : '劳动合同期限三年以上的，试用期最长多久？', answer: '试用期不得超过六个月。' }] }) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 500_000, completion_tokens: 500_000 },
    },
  };
}

/** `firstReplies` answer the first chat calls; `reply` answers the rest. */
async function setUp(firstReplies: ScriptStep[] = []) {
  const home = temporaryDirectory();
  writeFiles(home, { 'docs/law.txt': CHUNK });
  expect((await runCliCaptured(['kb', 'create', 'law', path.join(home, 'docs')], { home, cwd: home })).code).toBe(0);
  const server = await startScriptedOpenAIServer();
  servers.push(server);
  server.enqueue('/v1/chat/completions', ...firstReplies);
  for (let index = 0; index < 10; index += 1) server.enqueue('/v1/chat/completions', reply);
  const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' };
  return { home, server, env };
}

/** Three statutes, one chunk each, and a model that answers each with its own text (so every item is grounded). */
const ARTICLES = [
  '第十九条 劳动合同期限三年以上的，试用期不得超过六个月。',
  '第二十条 劳动者在试用期的工资不得低于本单位相同岗位最低档工资的百分之八十。',
  '第二十一条 在试用期中，除劳动者有本法规定的情形外，用人单位不得解除劳动合同。',
];
/** An article without its number: what the model quotes back. */
const provision = (index: number): string => ARTICLES[index]!.slice(ARTICLES[index]!.indexOf(' ') + 1);
/** Which article a generation request is about (its prompt holds the chunk). */
const articleAsked = (request: RecordedRequest): number => {
  const prompt = (request.body as { messages: Array<{ content: string }> }).messages[1]!.content;
  return ARTICLES.findIndex((_, index) => prompt.includes(provision(index)));
};
const quoteArticle = (request: RecordedRequest) => ({
  json: {
    choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ items: [{ question: '这一条怎么规定？', answer: provision(articleAsked(request)) }] }) }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 100, completion_tokens: 20 },
  },
});

describe('hangjia data generate', () => {
  it('SIGTERM keeps the finished chunks, exits 143 saying how to resume, and the same command generates only the rest', async () => {
    const home = temporaryDirectory();
    writeFiles(home, Object.fromEntries(ARTICLES.map((article, index) => [`docs/article-${index}.txt`, article])));
    expect((await runCliCaptured(['kb', 'create', 'law', path.join(home, 'docs'), '--quiet'], { home, cwd: home })).code).toBe(0);
    const server = await startScriptedOpenAIServer();
    servers.push(server);
    const env = { HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' };
    const output = path.join(home, 'qa.jsonl');
    const args = ['data', 'generate', 'law', '--per-chunk', '1', '--concurrency', '1', '--out', output];
    // One chunk done, then SIGTERM while the second is being written.
    const interrupt = interruptDuringReply('SIGTERM', quoteArticle);
    const { before } = interrupt;
    server.enqueue('/v1/chat/completions', quoteArticle, interrupt.step);
    const interrupted = await runCliCaptured(args, { home, cwd: home, env });
    expectStoppedBySignal(interrupted, interrupt, 'SIGTERM', `1 items from 1 of 3 chunks are saved in ${output} (job state ${output}.state.json)`);
    expect(interrupted.stdout).toContain('aborted: 1 items from 1 of 3 chunks (1 new)\n');
    expect(interrupted.stdout).not.toContain('Run the same command again');
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests.map(articleAsked);
    const items = (): Array<{ chunkIds: string[]; messages: Array<{ content: string }> }> => fs.readFileSync(output, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(items().map((item) => item.messages[1]!.content)).toEqual([provision(first!)]);
    const state = JSON.parse(fs.readFileSync(`${output}.state.json`, 'utf8')) as { doneChunkIds: string[]; usage: { inputTokens: number } };
    expect(state.doneChunkIds).toEqual(items()[0]!.chunkIds);
    expect(state.usage.inputTokens).toBe(100);

    // The same command again asks for the interrupted chunk and the one never started, and no other.
    server.enqueue('/v1/chat/completions', quoteArticle, quoteArticle);
    const resumed = await runCliCaptured(args, { home, cwd: home, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('completed: 3 items from 3 of 3 chunks (2 new, 1 chunks done earlier)\n');
    const rerun = server.requests.slice(2).map(articleAsked);
    expect(rerun[0]).toBe(second);
    expect([first, ...rerun].sort()).toEqual([0, 1, 2]);
    expect(new Set(items().map((item) => item.chunkIds[0])).size).toBe(3);
    expect(stopListenerCounts()).toEqual(before);
  });

  it('counts the tokens of a call whose output was not JSON in the totals and the cost, and shows them as wasted', async () => {
    const notJson = { json: { choices: [{ index: 0, message: { role: 'assistant', content: '这不是 JSON' }, finish_reason: 'stop' }], usage: { prompt_tokens: 300, completion_tokens: 30 } } };
    const { home, env } = await setUp([notJson]);
    const run = await runCliCaptured(['data', 'generate', 'law', '--per-chunk', '1', '--out', 'qa.jsonl', '--price-per-million-tokens', '2'], { home, cwd: home, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('completed: 1 items from 1 of 1 chunks');
    // The unparsable call (300 + 30) and the good one (500,000 + 500,000): 1,000,330 tokens at 2 per million.
    expect(run.stdout).toContain('tokens: 500300 in, 500030 out; estimated cost 2.0007\n');
    expect(run.stdout).toContain('  of which wasted on calls that added no item (output not JSON or off-schema, or every item rejected): 300 in, 30 out\n');
  });

  it('says plainly that generation needs a model when none is configured', async () => {
    const home = temporaryDirectory();
    const run = await runCliCaptured(['data', 'generate', 'law', '--out', 'out.jsonl'], { home, cwd: home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Generating data needs a chat model, and none is configured');
    expect(run.stderr).toContain('HANGJIA_MODEL_PROVIDER');
    expect(run.stderr).toContain('[E_CONFIG]');
  });

  it('generates items with a cost estimate, uses overridden prompts, and then reviews them', async () => {
    const { home, env, server } = await setUp();
    const run = await runCliCaptured(['data', 'generate', 'law', '--method', 'self-qa', '--per-chunk', '1', '--out', 'qa.jsonl', '--price-per-million-tokens', '2', '--json'], { home, cwd: home, env });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; items: number; estimatedCost: number };
    // 1e6 tokens at 2 per million.
    expect(result).toMatchObject({ status: 'completed', items: 1, estimatedCost: 2 });
    const item = JSON.parse(fs.readFileSync(path.join(home, 'qa.jsonl'), 'utf8').trim()) as { id: string; chunkIds: string[] };
    expect(item.id).toBe(`${item.chunkIds[0]}:self-qa:0`);

    // Prompt overrides: write the defaults, edit one, and the model sees the edited one.
    expect((await runCliCaptured(['data', 'generate', '--write-prompts', 'prompts'], { home, cwd: home })).code).toBe(0);
    expect(fs.readdirSync(path.join(home, 'prompts')).sort()).toContain('self-qa.zh.md');
    fs.writeFileSync(path.join(home, 'prompts/self-qa.zh.md'), 'CUSTOM {{count}} 个问题：{{chunk}}');
    const custom = await runCliCaptured(['data', 'generate', 'law', '--per-chunk', '1', '--out', 'custom.jsonl', '--prompts', 'prompts'], { home, cwd: home, env });
    expect(custom.code).toBe(0);
    expect(custom.stdout).toContain('completed: 1 items from 1 of 1 chunks');
    const lastPrompt = (server.requests.at(-1)!.body as { messages: Array<{ content: string }> }).messages[1]!.content;
    expect(lastPrompt).toBe(`CUSTOM 1 个问题：${CHUNK}`);

    // Review: non-interactive decisions, persisted beside the file, listed, and applied.
    const id = item.id;
    const reject = await runCliCaptured(['data', 'review', 'qa.jsonl', '--reject', id, '--reason', '太简单'], { home, cwd: home });
    expect(reject.code).toBe(0);
    const saved = JSON.parse(fs.readFileSync(path.join(home, 'qa.jsonl.review.json'), 'utf8')) as { decisions: Record<string, { action: string; reason: string; decidedAt: string }> };
    expect(saved.decisions[id]).toMatchObject({ action: 'reject', reason: '太简单' });
    expect(Number.isNaN(Date.parse(saved.decisions[id]!.decidedAt))).toBe(false);
    expect((await runCliCaptured(['data', 'review', 'qa.jsonl', '--list', 'pending'], { home, cwd: home })).stdout).toBe('');
    const edit = await runCliCaptured(['data', 'review', 'qa.jsonl', '--edit', id, '--output', '不得超过六个月。'], { home, cwd: home });
    expect(edit.code).toBe(0);
    expect((await runCliCaptured(['data', 'review', 'qa.jsonl', '--list', 'edit'], { home, cwd: home })).stdout).toBe(`${id}\tedit\t劳动合同期限三年以上的，试用期最长多久？\n`);
    const applied = await runCliCaptured(['data', 'review', 'qa.jsonl', '--apply', 'reviewed.jsonl', '--json'], { home, cwd: home });
    expect(JSON.parse(applied.stdout)).toMatchObject({ counts: { accepted: 0, edited: 1, rejected: 0, pending: 0 } });
    const reviewed = JSON.parse(fs.readFileSync(path.join(home, 'reviewed.jsonl'), 'utf8').trim()) as { messages: Array<{ content: string }> };
    expect(reviewed.messages[1]!.content).toBe('不得超过六个月。');
    // An unknown id is a usage error naming it.
    const unknown = await runCliCaptured(['data', 'review', 'qa.jsonl', '--accept', 'nope'], { home, cwd: home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No item with id "nope"');

    // Interactive: the item is shown with its source chunk; keys a/e/r/s.
    const interactive = await runCliCaptured(['data', 'review', 'custom.jsonl'], { home, cwd: home, stdin: Readable.from(['e\n', '试用期最长六个月。\n']) });
    expect(interactive.code).toBe(0);
    expect(interactive.stdout).toContain(`chunk:  ${CHUNK}`);
    expect(interactive.stdout).toContain('Q: 自定义模板生成的问题：试用期最长多久？');
    expect(interactive.stdout).toContain('reviewed 1; 0 pending.');
    const interactiveState = JSON.parse(fs.readFileSync(path.join(home, 'custom.jsonl.review.json'), 'utf8')) as { decisions: Record<string, { action: string; edited: { output: string } }> };
    expect(Object.values(interactiveState.decisions)).toMatchObject([{ action: 'edit', edited: { output: '试用期最长六个月。' } }]);
  });
});
