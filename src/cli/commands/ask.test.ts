import { beforeEach, describe, expect, it } from 'vitest';
import { chatStreamEvents } from '../../answer/__fixtures__/handbook.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useHandbookKnowledgeBase } from '../../../test/support/handbook-knowledge-base.js';

describe('hangjia ask', () => {
  const handbook = useHandbookKnowledgeBase('hr');
  let server: ScriptedOpenAIServer;
  let home: string;
  beforeEach(() => {
    ({ server, home } = handbook);
  });
  const modelEnv = () => ({ HANGJIA_MODEL_PROVIDER: 'openai-compatible', HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' });

  it('--json gives the answer, citations with chunk ids and offsets, retrieval scores, tokens and latency', async () => {
    server.enqueue('/v1/chat/completions', { events: chatStreamEvents(['劳动合同期限三年以上的，试用期不得超过六个月[2]。', '详见附件[7]。']) });
    const run = await runCliCaptured(['ask', 'hr', '试用期最长多久？', '-k', '3', '--json'], { home, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      knowledgeBase: 'hr',
      question: '试用期最长多久？',
      kind: 'generated',
      answer: '劳动合同期限三年以上的，试用期不得超过六个月[2]。详见附件。',
      incomplete: false,
      removedMarkers: [{ marker: '[7]', n: 7, offset: 30 }],
      model: { provider: 'openai-compatible', modelId: 'scripted-model' },
      usage: { inputTokens: 120, outputTokens: 40 },
      evidence: { threshold: 0.35, bestRank: 1 },
      // A single question has no earlier turns to send.
      history: { sent: 0, omitted: 0 },
      tokens: { history: 0 },
    });
    expect(result.citations).toHaveLength(1);
    expect(result.citations[0]).toMatchObject({ n: 2, chunkId: result.retrieval[1].chunkId, start: result.retrieval[1].start, end: result.retrieval[1].end, snippet: '劳动合同期限三年以上的，试用期不得超过六个月。' });
    expect(result.citations[0].documentPath).toMatch(/handbook\.md$/);
    expect(result.retrieval.map((hit: { rank: number; score: number }) => [hit.rank, typeof hit.score])).toEqual([[1, 'number'], [2, 'number'], [3, 'number']]);
    expect(result.unsupportedSentences).toEqual([{ sentence: '详见附件。', start: 26, end: 31, cited: [], support: 0, reason: 'no-citation' }]);
    expect(result.tokens.prompt).toBeGreaterThan(100);
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.generationMs);
    expect(server.requests).toHaveLength(1);
  });

  it('streams the answer, then the sources and the flags', async () => {
    server.enqueue('/v1/chat/completions', { events: chatStreamEvents(['试用期不得超过六个月[2]。', '公司报销机票[1][5]。']) });
    const run = await runCliCaptured(['ask', 'hr', '试用期最长多久？', '-k', '3'], { home, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('试用期不得超过六个月[2]。公司报销机票[1][5]。');
    expect(run.stdout).toContain('\nSources:\n[2] ');
    expect(run.stdout).toContain('星河网络员工手册 › 第二章 劳动合同 › 第二条');
    expect(run.stdout).toContain('Flags:\n  - unsupported (support 0.00): 公司报销机票[1]。\n  - removed citation [5]: it points at no source\n');
  });

  it('refuses with --threshold above the evidence, without calling the model', async () => {
    const run = await runCliCaptured(['ask', 'hr', '试用期最长多久？', '--threshold', '0.99', '--json'], { home, env: modelEnv() });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'refused', answer: '知识库中没有涉及这个问题的内容。', citations: [], evidence: { threshold: 0.99 } });
    expect(server.requests).toHaveLength(0);
  });

  it('answers extractively with no model configured', async () => {
    const run = await runCliCaptured(['ask', 'hr', '年休假有几天？'], { home });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith('【抽取式回答】未配置生成模型，以下是知识库中与问题最相关的原文句子：\n员工累计工作满一年不满十年的，年休假五天；[1]')).toBe(true);
    expect(run.stderr).toContain('No chat model configured');
  });

  it('exits 1 with a clear error when the endpoint is unreachable', async () => {
    const closed = await startScriptedOpenAIServer();
    await closed.close();
    const run = await runCliCaptured(['ask', 'hr', '试用期最长多久？'], { home, env: { ...modelEnv(), HANGJIA_BASE_URL: closed.baseURL } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Error: Could not reach the openai-compatible endpoint ${closed.baseURL}/chat/completions for model "scripted-model" (ECONNREFUSED).`);
    expect(run.stderr).toContain('[E_PROVIDER_UNREACHABLE]');
    expect(run.stderr).toContain('HANGJIA_MODEL_PROVIDER=none) for extractive answers');
  });
});
