import { beforeEach, describe, expect, it } from 'vitest';
import { chatStreamEvents } from '../../answer/__fixtures__/handbook.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import type { ScriptedOpenAIServer } from '../../../test/support/scripted-openai-server.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';
import { useHandbookKnowledgeBase } from '../../../test/support/handbook-knowledge-base.js';

const temporaryDirectory = useTemporaryDirectories();

/** Issue 11, item 3: refusals however worded, and --strict for users who prefer less to unsupported. */
describe('hangjia ask: refusals and --strict', () => {
  const handbook = useHandbookKnowledgeBase('hr');
  let server: ScriptedOpenAIServer;
  let home: string;
  beforeEach(() => {
    ({ server, home } = handbook);
  });
  const env = (): NodeJS.ProcessEnv => ({ HANGJIA_BASE_URL: server.baseURL, HANGJIA_MODEL: 'scripted-model' });

  it('a paraphrased refusal with a stray marker is a refusal, not an answer with a dangling citation', async () => {
    server.enqueue('/v1/chat/completions', { events: chatStreamEvents(['知识库中没有相关内容[9]。']) });
    const run = await runCliCaptured(['ask', 'hr', '试用期最长多久？', '-k', '3', '--json'], { home, env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'generated', refusal: 'model', answer: '知识库中没有相关内容。', unsupportedSentences: [], citations: [] });
  });

  it('--strict removes the unsupported sentences and lists them as removed', async () => {
    const reply = ['劳动合同期限三年以上的，试用期不得超过六个月[2]。', '公司报销机票[1]。'];
    server.enqueue('/v1/chat/completions', { events: chatStreamEvents(reply) }, { events: chatStreamEvents(reply) }, { events: chatStreamEvents(reply) });
    const lenient = JSON.parse((await runCliCaptured(['ask', 'hr', '试用期最长多久？', '-k', '3', '--json'], { home, env: env() })).stdout);
    expect(lenient.answer).toBe('劳动合同期限三年以上的，试用期不得超过六个月[2]。公司报销机票[1]。');
    expect(lenient.strictRemoved).toBeUndefined();

    const strict = await runCliCaptured(['ask', 'hr', '试用期最长多久？', '-k', '3', '--strict', '--json'], { home, env: env() });
    expect(strict.code, strict.stderr).toBe(0);
    const result = JSON.parse(strict.stdout);
    expect(result.answer).toBe('劳动合同期限三年以上的，试用期不得超过六个月[2]。');
    expect(result.strictRemoved).toEqual([lenient.unsupportedSentences[0]]);
    expect(result.strictRemoved[0]).toMatchObject({ sentence: '公司报销机票[1]。', support: 0 });
    expect(result.unsupportedSentences).toEqual([]);
    // [1] was cited only by the removed sentence.
    expect(result.citations.map((citation: { n: number }) => citation.n)).toEqual([2]);

    // The setting does the same from a config file; the text output shows only what was kept.
    const configured = temporaryDirectory();
    writeFiles(configured, { 'hangjia.config.json': JSON.stringify({ answer: { strict: true } }) });
    const text = await runCliCaptured(['ask', 'hr', '试用期最长多久？', '-k', '3'], { home, cwd: configured, env: env() });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe('劳动合同期限三年以上的，试用期不得超过六个月[2]。');
    expect(text.stdout).toContain('Flags:\n  - removed (--strict, support 0.00): 公司报销机票[1]。\n');
  });
});
