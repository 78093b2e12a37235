import fs from 'node:fs';
import { Readable } from 'node:stream';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAW_FILES } from '../../reasoning/__fixtures__/laws.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, textReply, toolCallsReply, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();
const QUESTION = '房东不退押金，租赁期满后我能要回吗？去哪个法院起诉？';

describe('hangjia ask --strategy pearl|agent', () => {
  let server: ScriptedOpenAIServer;
  let home: string;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
    home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, LAW_FILES);
    const created = await runCliCaptured(['kb', 'create', 'laws', root, '--quiet'], { home });
    expect(created.code, created.stderr).toBe(0);
  });
  afterEach(async () => {
    await server.close();
  });
  const modelEnv = () => ({ HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' });

  it('agent: calls search_knowledge_base over the tools protocol and answers with [n] citations that resolve to chunks', async () => {
    server.enqueue(
      '/v1/chat/completions',
      toolCallsReply([{ name: 'search_knowledge_base', arguments: { query: '租赁期限届满 返还租赁物' } }]),
      textReply('租赁期限届满，承租人应当返还租赁物[1]。'),
    );
    const run = await runCliCaptured(['ask', 'laws', QUESTION, '--strategy', 'agent', '--json'], { home, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ strategy: 'agent', fallback: null, kind: 'generated', answer: '租赁期限届满，承租人应当返还租赁物[1]。', unsupportedSentences: [] });
    expect(result.trace).toBeUndefined();
    const first = server.requests[0]!.body as { tools: Array<{ type: string; function: { name: string } }> };
    expect(first.tools.map((tool) => tool.function.name)).toEqual(['search_knowledge_base', 'get_article', 'calculate', 'date_add', 'date_diff']);
    expect(result.citations).toHaveLength(1);
    expect(result.citations[0]).toMatchObject({ n: 1, chunkId: result.retrieval[0].chunkId, documentTitle: '中华人民共和国民法典' });
    expect(result.citations[0].snippet).toContain('租赁期限届满，承租人应当返还租赁物');
  });

  it('pearl --trace --json: the plan, each step with its input and output, and the cited answer', async () => {
    server.enqueue(
      '/v1/chat/completions',
      textReply('1. deposit = FIND_ARTICLE("民法典", "租赁期限届满 返还")\n2. court = GET_ARTICLE("民事诉讼法", "第二十四条")'),
      textReply('租赁期限届满，承租人应当返还租赁物[1]。因合同纠纷提起的诉讼，由被告住所地或者合同履行地人民法院管辖[4]。'),
    );
    const run = await runCliCaptured(['ask', 'laws', QUESTION, '--strategy', 'pearl', '--trace', '--json'], { home, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.plan).toEqual({ text: '1. deposit = FIND_ARTICLE("民法典", "租赁期限届满 返还")\n2. court = GET_ARTICLE("民事诉讼法", "第二十四条")', valid: true, repairs: 0, errors: [] });
    const steps = result.trace.events.filter((event: { kind: string }) => event.kind === 'step');
    expect(steps.map((step: { step: number; action: string; input: string[] }) => [step.step, step.action, step.input])).toEqual([
      [1, 'FIND_ARTICLE', ['民法典', '租赁期限届满 返还']],
      [2, 'GET_ARTICLE', ['民事诉讼法', '第二十四条']],
    ]);
    expect(steps[1].output).toContain('[4] 《中华人民共和国民事诉讼法》');
    expect(result.citations.map((citation: { n: number; chunkId: string }) => [citation.n, citation.chunkId])).toEqual([
      [1, result.retrieval[0].chunkId],
      [4, result.retrieval[3].chunkId],
    ]);
    expect(result.trace.totals).toMatchObject({ steps: 2, modelCalls: 2 });
  });

  it('prints the answer, the sources and the trace for people', async () => {
    server.enqueue('/v1/chat/completions', toolCallsReply([{ name: 'calculate', arguments: { expression: '3000*2' } }]), textReply('共计6000元。'));
    const run = await runCliCaptured(['ask', 'laws', '押金3000元扣了两个月共多少？', '--strategy', 'agent', '--trace'], { home, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('共计6000元。\n');
    expect(run.stdout).toContain('\nTrace (agent):\n  model agent-turn  50 in / 10 out tokens');
    expect(run.stdout).toContain('  tool calculate({"expression":"3000*2"})  4 chars');
    expect(run.stdout).toContain('  totals: 2 model calls, 1 tool calls, 2 steps, 130 + 30 tokens');
  });

  it('chat --strategy agent answers each turn with the agent, one JSON line per answer', async () => {
    server.enqueue(
      '/v1/chat/completions',
      toolCallsReply([{ name: 'get_article', arguments: { law: '民法典', article: '第七百三十三条' } }]),
      textReply('租赁期限届满，承租人应当返还租赁物[1]。'),
      // The follow-up is condensed with the model first, as answerQuestion does.
      textReply('租赁合同纠纷去哪个法院起诉？'),
      toolCallsReply([{ name: 'get_article', arguments: { law: '民事诉讼法', article: '第二十四条' } }]),
      textReply('由被告住所地或者合同履行地人民法院管辖[1]。'),
    );
    const stdin = Readable.from(['租赁期满要返还什么？\n', '去哪个法院起诉？\n', '/exit\n']);
    const run = await runCliCaptured(['chat', 'laws', '--strategy', 'agent', '--json'], { home, stdin, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    const answers = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(answers.map((answer) => [answer.strategy, answer.citations[0].documentTitle])).toEqual([
      ['agent', '中华人民共和国民法典'],
      ['agent', '中华人民共和国民事诉讼法'],
    ]);
    expect((server.requests[3]!.body as { messages: Array<{ content: string }> }).messages[1]!.content).toBe('租赁合同纠纷去哪个法院起诉？');
  });

  it('says when it falls back to RAG without a model', async () => {
    const run = await runCliCaptured(['ask', 'laws', '租赁期限届满应当返还什么？', '--strategy', 'pearl'], { home });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('(Fallback to RAG: --strategy pearl needs a chat model; none is configured, so this is a plain RAG answer.)');
  });

  it('pearl mine writes a merged actions file, and ask --strategy pearl plans with it', async () => {
    const directory = temporaryDirectory();
    fs.writeFileSync(path.join(directory, 'q.jsonl'), '{"id":"a","question":"押金能退吗？"}\n{"id":"b","question":"去哪里起诉？"}\n');
    const proposal = (name: string) => textReply(JSON.stringify({ actions: [{ name, parameters: ['place'], description: '查找管辖法院' }] }));
    server.enqueue('/v1/chat/completions', proposal('FIND_COURT'), proposal('find court'));
    const mined = await runCliCaptured(['pearl', 'mine', 'laws', '--questions', 'q.jsonl', '--out', 'actions.yaml', '--json'], { home, cwd: directory, env: modelEnv() });
    expect(mined.code, mined.stderr).toBe(0);
    expect(JSON.parse(mined.stdout).actions.find((action: { name: string }) => action.name === 'FIND_COURT')).toEqual({ name: 'FIND_COURT', parameters: ['place'], description: '查找管辖法院', kind: 'search', frequency: 2 });
    expect((server.requests[0]!.body as { messages: Array<{ content: string }> }).messages[0]!.content).toContain('中华人民共和国民法典');

    server.enqueue('/v1/chat/completions', textReply('1. court = FIND_COURT("合同纠纷 管辖")'), textReply('由被告住所地或者合同履行地人民法院管辖[1]。'));
    const run = await runCliCaptured(['ask', 'laws', '去哪里起诉？', '--strategy', 'pearl', '--json', '--set', 'reasoning.actions=actions.yaml'], { home, cwd: directory, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ strategy: 'pearl', fallback: null, plan: { valid: true } });
    expect((server.requests[2]!.body as { messages: Array<{ content: string }> }).messages[0]!.content).toContain('- FIND_COURT(place): 查找管辖法院');
  });
});
